#pragma once
// A fault-injecting SQLite VFS for tests: a shim over the default ("unix") VFS whose files
// forward every call, except that writes fail with a chosen result code while a fault is set —
// a full disk (SQLITE_FULL), an I/O error or a file system remounted read-only
// (SQLITE_IOERR_WRITE, what the unix VFS reports for EROFS), or damage (SQLITE_CORRUPT).
// Open a database with VFS name faulty_vfs::name (sqlite_options::vfs).
#include <sqlite3.h>

#include <atomic>
#include <cstring>

namespace trapsink::tests {

class faulty_vfs {
 public:
  static constexpr const char* name = "trapsink-faulty";

  /// Register the VFS (once per process); not the default.
  static void install() {
    static const bool done = [] {
      real() = sqlite3_vfs_find(nullptr);
      static sqlite3_vfs vfs = *real();
      vfs.zName = name;
      vfs.szOsFile = static_cast<int>(sizeof(file)) + real()->szOsFile;
      vfs.xOpen = &open;
      vfs.pNext = nullptr;
      sqlite3_vfs_register(&vfs, 0);
      return true;
    }();
    (void)done;
  }

  /// Writes fail with `rc` from now on (0: they work again).
  static void fail_writes(int rc) { fault().store(rc); }

 private:
  struct file {
    sqlite3_file base;
    sqlite3_file* real;
  };

  static sqlite3_vfs*& real() {
    static sqlite3_vfs* v = nullptr;
    return v;
  }
  static std::atomic<int>& fault() {
    static std::atomic<int> f{0};
    return f;
  }
  static sqlite3_file* inner(sqlite3_file* f) { return reinterpret_cast<file*>(f)->real; }

  static int open(sqlite3_vfs*, sqlite3_filename path, sqlite3_file* f, int flags, int* out) {
    auto* ff = reinterpret_cast<file*>(f);
    ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
    std::memset(ff->real, 0, static_cast<std::size_t>(real()->szOsFile));
    const int rc = real()->xOpen(real(), path, ff->real, flags, out);
    ff->base.pMethods = ff->real->pMethods != nullptr ? &methods() : nullptr;
    return rc;
  }

  static const sqlite3_io_methods& methods() {
    static const sqlite3_io_methods m = [] {
      sqlite3_io_methods x{};
      x.iVersion = 3;
      x.xClose = [](sqlite3_file* f) { return inner(f)->pMethods->xClose(inner(f)); };
      x.xRead = [](sqlite3_file* f, void* p, int n, sqlite3_int64 o) {
        return inner(f)->pMethods->xRead(inner(f), p, n, o);
      };
      x.xWrite = [](sqlite3_file* f, const void* p, int n, sqlite3_int64 o) {
        if (const int rc = fault().load(); rc != 0) return rc;
        return inner(f)->pMethods->xWrite(inner(f), p, n, o);
      };
      x.xTruncate = [](sqlite3_file* f, sqlite3_int64 s) {
        return inner(f)->pMethods->xTruncate(inner(f), s);
      };
      x.xSync = [](sqlite3_file* f, int fl) { return inner(f)->pMethods->xSync(inner(f), fl); };
      x.xFileSize = [](sqlite3_file* f, sqlite3_int64* s) {
        return inner(f)->pMethods->xFileSize(inner(f), s);
      };
      x.xLock = [](sqlite3_file* f, int l) { return inner(f)->pMethods->xLock(inner(f), l); };
      x.xUnlock = [](sqlite3_file* f, int l) { return inner(f)->pMethods->xUnlock(inner(f), l); };
      x.xCheckReservedLock = [](sqlite3_file* f, int* r) {
        return inner(f)->pMethods->xCheckReservedLock(inner(f), r);
      };
      x.xFileControl = [](sqlite3_file* f, int op, void* a) {
        return inner(f)->pMethods->xFileControl(inner(f), op, a);
      };
      x.xSectorSize = [](sqlite3_file* f) { return inner(f)->pMethods->xSectorSize(inner(f)); };
      x.xDeviceCharacteristics = [](sqlite3_file* f) {
        return inner(f)->pMethods->xDeviceCharacteristics(inner(f));
      };
      x.xShmMap = [](sqlite3_file* f, int pg, int sz, int ext, void volatile** p) {
        return inner(f)->pMethods->xShmMap(inner(f), pg, sz, ext, p);
      };
      x.xShmLock = [](sqlite3_file* f, int off, int n, int fl) {
        return inner(f)->pMethods->xShmLock(inner(f), off, n, fl);
      };
      x.xShmBarrier = [](sqlite3_file* f) { inner(f)->pMethods->xShmBarrier(inner(f)); };
      x.xShmUnmap = [](sqlite3_file* f, int del) {
        return inner(f)->pMethods->xShmUnmap(inner(f), del);
      };
      x.xFetch = [](sqlite3_file* f, sqlite3_int64 o, int n, void** p) {
        *p = nullptr;  // no memory-mapped reads: every read goes through xRead
        (void)f;
        (void)o;
        (void)n;
        return SQLITE_OK;
      };
      x.xUnfetch = [](sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; };
      return x;
    }();
    return m;
  }
};

}  // namespace trapsink::tests
