// flat_int_map.h: FlatIntMap, an open-addressing int32 -> int32 hash map for hot loops.
//
// Why not std::unordered_map: the window ops clear the map once per key segment, and many keys have
// a handful of events. unordered_map::clear() costs O(bucket_count) after one large key, and every
// insert allocates a node. This map never erases (a count may drop to 0 and stay), allocates only
// when it grows, and Clear() is O(slots used). Linear probing, Fibonacci hashing, load <= 1/2.
#ifndef VIGIL_NATIVE_GPU_OPS_WINDOW_AGG_FLAT_INT_MAP_H_
#define VIGIL_NATIVE_GPU_OPS_WINDOW_AGG_FLAT_INT_MAP_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace vigil::window_agg {

class FlatIntMap {
 public:
  FlatIntMap() { Rehash(kInitialBits); }

  // The value stored for `key`, inserting `initial` first when absent. The reference is valid until
  // the next call to FindOrInsert (which may grow the table).
  int32_t& FindOrInsert(int32_t key, int32_t initial) {
    if ((used_slots_.size() + 1) * 2 > keys_.size()) Rehash(bits_ + 1);
    size_t slot = Home(key);
    while (occupied_[slot]) {
      if (keys_[slot] == key) return values_[slot];
      slot = (slot + 1) & mask_;
    }
    occupied_[slot] = 1;
    keys_[slot] = key;
    values_[slot] = initial;
    used_slots_.push_back(static_cast<uint32_t>(slot));
    return values_[slot];
  }

  // Removes every entry in O(entries), keeping the capacity.
  void Clear() {
    for (uint32_t slot : used_slots_) occupied_[slot] = 0;
    used_slots_.clear();
  }

  size_t size() const { return used_slots_.size(); }

 private:
  static constexpr int kInitialBits = 4;

  size_t Home(int32_t key) const {
    return static_cast<size_t>((static_cast<uint32_t>(key) * 0x9E3779B1u) >> (32 - bits_));
  }

  void Rehash(int bits) {
    std::vector<int32_t> old_keys = std::move(keys_);
    std::vector<int32_t> old_values = std::move(values_);
    std::vector<uint32_t> old_used = std::move(used_slots_);
    bits_ = bits;
    keys_.assign(size_t{1} << bits, 0);
    values_.assign(size_t{1} << bits, 0);
    occupied_.assign(size_t{1} << bits, 0);
    mask_ = (size_t{1} << bits) - 1;
    used_slots_.clear();
    used_slots_.reserve(size_t{1} << (bits - 1));
    for (uint32_t slot : old_used) FindOrInsert(old_keys[slot], old_values[slot]);
  }

  int bits_ = 0;
  size_t mask_ = 0;
  std::vector<int32_t> keys_;
  std::vector<int32_t> values_;
  std::vector<uint8_t> occupied_;
  std::vector<uint32_t> used_slots_;
};

}  // namespace vigil::window_agg

#endif  // VIGIL_NATIVE_GPU_OPS_WINDOW_AGG_FLAT_INT_MAP_H_
