// The elements of a TLS vector, without copying or allocating. A List is
// either the contents of a parsed vector, validated once by parse() and
// decoded again while iterating, or a span of values the caller owns (to
// build a message for encoding).
//
// Elements are u8, u16 or a struct E with `static bool parse(Reader&, E&)`
// (reading one element) and `void encode(Writer&) const`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <span>

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"

namespace setls::tls {

template <class E>
struct ElementCodec {
  static bool read(Reader& r, E& v) { return E::parse(r, v); }
  static void write(Writer& w, const E& v) { v.encode(w); }
};
template <>
struct ElementCodec<uint8_t> {
  static bool read(Reader& r, uint8_t& v) { return r.u8(v); }
  static void write(Writer& w, uint8_t v) { w.u8(v); }
};
template <>
struct ElementCodec<uint16_t> {
  static bool read(Reader& r, uint16_t& v) { return r.u16(v); }
  static void write(Writer& w, uint16_t v) { w.u16(v); }
};

template <class E>
class List {
 public:
  static constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

  List() = default;
  // Borrows the caller's values (which must outlive the list).
  explicit List(std::span<const E> items) : items_(items), size_(items.size()), borrowed_(true) {}

  // Reads elements until `r` is empty (the contents of a vector). More than
  // max_items elements is BadLength: lists that are searched for duplicates
  // stay small.
  static bool parse(Reader& r, List& out, size_t max_items = kNoLimit) {
    ByteView all = r.rest();
    size_t n = 0;
    E value{};
    while (!r.empty()) {
      if (n == max_items) return r.fail(ParseError::BadLength);
      if (!ElementCodec<E>::read(r, value)) return false;
      ++n;
    }
    out = List();
    out.raw_ = all;
    out.size_ = n;
    return true;
  }

  // The elements, without the vector's length.
  void encode(Writer& w) const {
    for (const E& v : *this) ElementCodec<E>::write(w, v);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = E;
    using difference_type = std::ptrdiff_t;
    using pointer = const E*;
    using reference = const E&;

    Iterator() = default;
    const E& operator*() const { return value_; }
    const E* operator->() const { return &value_; }
    Iterator& operator++() {
      ++index_;
      load();
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const Iterator& o) const { return index_ == o.index_; }

   private:
    friend class List;
    Iterator(const List* list, size_t index) : list_(list), index_(index), reader_(list->raw_) { load(); }
    void load() {
      if (index_ >= list_->size_) return;
      if (list_->borrowed_) {
        value_ = list_->items_[index_];
        return;
      }
      // parse() validated every element, so this cannot fail; stop if it does.
      if (!ElementCodec<E>::read(reader_, value_)) index_ = list_->size_;
    }

    const List* list_ = nullptr;
    size_t index_ = 0;
    Reader reader_;
    E value_{};
  };

  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, size_); }

  // The i-th element; O(i) for elements of variable size.
  E operator[](size_t i) const {
    Iterator it = begin();
    for (size_t k = 0; k < i && it != end(); ++k) ++it;
    return it == end() ? E{} : *it;
  }

  template <class V>
  bool contains(const V& v) const {
    for (const E& e : *this)
      if (e == v) return true;
    return false;
  }

 private:
  ByteView raw_;                  // a parsed list
  std::span<const E> items_;      // a borrowed list
  size_t size_ = 0;
  bool borrowed_ = false;
};

using U8List = List<uint8_t>;
using U16List = List<uint16_t>;

}  // namespace setls::tls
