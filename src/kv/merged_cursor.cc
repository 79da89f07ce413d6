#include "kv/merged_cursor.h"

namespace tenantdb::kv {

MergedCursor::MergedCursor(const ReadView& view, const WriteMap& writes, std::string_view lower,
                           std::string_view upper, Reverse direction)
    : writes_(writes),
      lower_(lower),
      upper_(upper),
      reverse_(direction == Reverse::kYes),
      it_(view.NewIterator(lower, upper)) {}

void MergedCursor::Seek(std::string_view key) {
  const auto& points = writes_.points();
  if (!reverse_) {
    std::string_view from = key < lower_ ? std::string_view(lower_) : key;
    it_->Seek(from);
    point_ = points.lower_bound(from);
    point_valid_ = point_ != points.end() && point_->first < upper_;
  } else {
    std::string_view to = key > upper_ ? std::string_view(upper_) : key;
    it_->SeekForPrev(to);
    if (it_->Valid() && it_->key() == to) it_->Prev();
    point_ = points.lower_bound(to);  // first >= to; the candidate is the one before
    if (point_ == points.begin()) {
      point_valid_ = false;
    } else {
      --point_;
      point_valid_ = point_->first >= lower_;
    }
  }
  Settle();
}

void MergedCursor::StepPoint() {
  const auto& points = writes_.points();
  if (!reverse_) {
    ++point_;
    point_valid_ = point_ != points.end() && point_->first < upper_;
  } else if (point_ == points.begin()) {
    point_valid_ = false;
  } else {
    --point_;
    point_valid_ = point_->first >= lower_;
  }
}

void MergedCursor::StepStorage() {
  if (reverse_) {
    it_->Prev();
  } else {
    it_->Next();
  }
}

void MergedCursor::Advance() {
  if (from_point_) StepPoint();
  if (from_storage_) StepStorage();
  Settle();
}

void MergedCursor::Settle() {
  valid_ = false;
  from_point_ = from_storage_ = false;
  for (;;) {
    bool storage_valid = it_->Valid();
    if (!storage_valid) {
      status_ = it_->status();
      if (!status_.ok()) return;
    }
    if (!storage_valid && !point_valid_) return;
    std::string_view s = storage_valid ? it_->key() : std::string_view();
    bool take_point =
        point_valid_ && (!storage_valid || (reverse_ ? std::string_view(point_->first) >= s
                                                     : std::string_view(point_->first) <= s));
    if (take_point) {
      bool same = storage_valid && s == point_->first;
      std::optional<std::string> base;
      if (same && !point_->second.known) base = std::string(it_->value());
      std::optional<std::string> v = point_->second.Resolve(base);
      if (v) {
        key_ = point_->first;
        value_ = std::move(*v);
        from_point_ = true;
        from_storage_ = same;
        valid_ = true;
        return;
      }
      StepPoint();
      if (same) StepStorage();
      continue;
    }
    // Storage key with no point entry of the transaction's: hidden if in a cleared range.
    if (!reverse_) {
      if (auto end = writes_.ClearedUntil(s)) {
        std::string target(*end);
        it_->Seek(target);
        continue;
      }
    } else if (auto begin = writes_.ClearedFrom(s)) {
      std::string target(*begin);
      it_->SeekForPrev(target);
      if (it_->Valid() && it_->key() == target) it_->Prev();
      continue;
    }
    key_ = s;
    value_ = it_->value();
    from_storage_ = true;
    valid_ = true;
    return;
  }
}

}  // namespace tenantdb::kv
