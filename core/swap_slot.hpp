#pragma once
// A value that a configuration reload replaces while other threads read it.
//
// swap_slot<T> holds an immutable T behind a std::shared_ptr, replaced whole by store(); a
// version number counts the stores. Readers on a hot path use a slot_cache: it keeps its own
// shared_ptr and re-reads the slot only when the version changed, so the common case is one
// atomic load of an integer that is only ever read (no reference count traffic, no lock).
#include <atomic>
#include <cstdint>
#include <memory>

namespace trapsink::core {

template <class T>
class swap_slot {
 public:
  explicit swap_slot(std::shared_ptr<const T> value = nullptr) : current_(std::move(value)) {}

  /// The current value (a reference that keeps it alive). Thread-safe.
  std::shared_ptr<const T> load() const noexcept {
    return current_.load(std::memory_order_acquire);
  }

  /// Replace the value; readers see it at their next load() or slot_cache::get(). Thread-safe.
  void store(std::shared_ptr<const T> value) noexcept {
    current_.store(std::move(value), std::memory_order_release);
    version_.fetch_add(1, std::memory_order_acq_rel);
  }

  /// Counts the stores.
  std::uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::shared_ptr<const T>> current_;
  std::atomic<std::uint64_t> version_{0};
};

/// One thread's view of a swap_slot: get() returns the value current at its last refresh,
/// refreshing when the slot's version moved. Not thread-safe (one per reading thread); the
/// slot must outlive it.
template <class T>
class slot_cache {
 public:
  explicit slot_cache(const swap_slot<T>& slot) : slot_(&slot) { refresh(); }

  const T& get() noexcept {
    if (slot_->version() != seen_) refresh();
    return *cached_;
  }

 private:
  void refresh() noexcept {
    // Version first: a store between the two reads leaves seen_ behind, so the next get()
    // reads again.
    seen_ = slot_->version();
    cached_ = slot_->load();
  }

  const swap_slot<T>* slot_;
  std::uint64_t seen_ = 0;
  std::shared_ptr<const T> cached_;
};

}  // namespace trapsink::core
