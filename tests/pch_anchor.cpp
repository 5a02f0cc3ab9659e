// Gives the tests' precompiled header a translation unit to belong to.
