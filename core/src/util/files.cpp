#include "alx/util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "alx/util/errors.h"

namespace fs = std::filesystem;

namespace alx {

std::vector<uint8_t> readWholeFile(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        throw InputError(fileError(path, errno == ENOENT ? "file not found" : std::strerror(errno)));
    }
    if (S_ISDIR(info.st_mode)) throw InputError(fileError(path, "is a directory, not a file"));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(fileError(path, std::string("cannot open: ") + std::strerror(errno)));
    std::vector<uint8_t> bytes(static_cast<size_t>(info.st_size));
    if (!bytes.empty() && !in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()))) {
        throw InputError(fileError(path, "read error"));
    }
    return bytes;
}


namespace {

// Makes a rename durable: the directory entry itself must reach the disk.
void syncDirectoryOf(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    const int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;  // e.g. a directory we may write but not read: the rename itself still happened
    ::fsync(fd);
    ::close(fd);
}

std::atomic<unsigned> tempCounter{0};

}  // namespace

void writeFileAtomically(const std::string& path, const std::string& contents) {
    // Unique per process and per call: two threads may write beside each other.
    const std::string temp =
        path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(tempCounter.fetch_add(1));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw RunError(fileError(path, std::string("cannot write: ") + std::strerror(errno)));
    const char* data = contents.data();
    size_t left = contents.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, data, left);
        if (written < 0) {
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(temp.c_str());
            throw RunError(fileError(path, "write failed: " + why));
        }
        data += written;
        left -= size_t(written);
    }
    // fsync before rename: otherwise a crash can leave the new name pointing
    // at a file whose data never reached the disk.
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        throw RunError(fileError(path, "write failed: " + why));
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        throw RunError(fileError(path, "cannot replace: " + why));
    }
    syncDirectoryOf(path);
}

void ensureWritableDirectory(const std::string& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
        throw InputError(fileError(dir, "exists and is not a directory"));
    }
    fs::create_directories(dir, ec);
    if (ec) throw InputError(fileError(dir, "cannot create directory: " + ec.message()));
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        throw InputError(fileError(dir, std::string("directory is not writable: ") + std::strerror(errno)));
    }
}

}  // namespace alx
