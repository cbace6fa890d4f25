#include "chip/nvm/storage.h"

#include <algorithm>
#include <optional>

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"
#include "common/crypto/aead.h"
#include "common/crypto/kdf.h"
#include "common/crypto/op_count.h"
#include "common/crypto/random.h"

namespace setls::chip {

namespace {

constexpr uint8_t kMagic[8] = {'S', 'E', 'T', 'L', 'S', 'N', 'V', 'M'};
constexpr uint16_t kImageFormat = 1;
constexpr size_t kTagSize = 16;
// magic, format, reserved, generation, body length, nonce — authenticated as AAD.
constexpr size_t kAadSize = 8 + 2 + 2 + 8 + 4 + kAeadNonceSize;
constexpr size_t kHeaderSize = kAadSize + kTagSize;

struct Image {
  uint64_t generation = 0;
  NvmState state;
  size_t size = 0;
};

// Decrypts and parses a bank; nullopt when it holds no valid image.
std::optional<Image> load_bank(ByteView bank, Aead& aead) {
  Reader r(bank);
  ByteView magic, nonce, ciphertext;
  uint16_t format = 0, reserved = 0;
  uint64_t generation = 0;
  uint32_t length = 0;
  if (!r.bytes(sizeof kMagic, magic) || !std::equal(magic.begin(), magic.end(), kMagic) ||
      !r.u16(format) || format != kImageFormat || !r.u16(reserved) || !r.u64(generation) ||
      !r.u32(length) || !r.bytes(kAeadNonceSize, nonce) || length > kBankSize - kHeaderSize)
    return std::nullopt;
  ByteView aad = bank.first(kAadSize);
  if (!r.bytes(kTagSize + length, ciphertext)) return std::nullopt;
  // Tag first in the header, then the body; Aead::open wants body ‖ tag.
  Bytes sealed(ciphertext.begin() + kTagSize, ciphertext.end());
  sealed.insert(sealed.end(), ciphertext.begin(), ciphertext.begin() + kTagSize);
  SecretBytes body;
  auto plain = body.reset(length);
  if (!aead.open(nonce, aad, sealed, plain)) return std::nullopt;
  auto state = NvmState::parse(body.view());
  if (!state) return std::nullopt;
  return Image{generation, std::move(*state), kHeaderSize + length};
}

}  // namespace

size_t Storage::capacity() const { return kBankSize - kHeaderSize; }

Result<std::unique_ptr<Storage>> Storage::open(std::unique_ptr<NvmMedium> medium, const Fuses& fuses,
                                               NvmState& state_out) {
  Secret key = hkdf_expand(HashAlg::Sha256, fuses.device_secret.view(),
                           as_bytes("setls nvm image key v1"), 32);
  std::unique_ptr<Storage> storage(new Storage(std::move(medium), std::move(key)));
  Aead aead;
  SETLS_TRY(aead.init(AeadAlg::Aes256Gcm, storage->key_.view()));

  auto counter = storage->medium_->read_counter();
  if (!counter) return counter.error();
  std::optional<Image> best;
  int best_bank = -1;
  for (int bank = 0; bank < 2; ++bank) {
    auto raw = storage->medium_->read(bank);
    if (!raw) return raw.error();
    auto image = load_bank(*raw, aead);
    if (image && (!best || image->generation > best->generation)) {
      best = std::move(image);
      best_bank = bank;
    }
  }

  if (!best) {
    // Only a chip that never completed a commit may have no image (a power
    // cut during the very first commit leaves a torn bank and a zero
    // counter). Otherwise the image was erased or replaced outside the chip.
    if (*counter != 0) return Status::NvmTampered;
    state_out = NvmState{};
    return storage;
  }
  if (best->generation != *counter && best->generation != *counter + 1) return Status::NvmTampered;
  if (best->generation == *counter + 1) {
    // The last commit reached flash but power failed before the counter moved.
    SETLS_TRY(storage->medium_->advance_counter(best->generation));
  }
  storage->current_bank_ = best_bank;
  storage->generation_ = best->generation;
  storage->used_ = best->size;
  state_out = std::move(best->state);
  return storage;
}

Outcome Storage::commit(const NvmState& state) {
  // The image's encryption models a memory encryption engine, not work of
  // the chip's crypto service: the latency model does not charge it (NVM
  // write time is not modeled at all; docs/performance.md).
  CryptoOpPause not_counted;
  auto body = state.serialize(capacity());
  if (!body) return body.error();
  uint64_t generation = generation_ + 1;
  uint8_t nonce[kAeadNonceSize];
  // A fresh random nonce per commit: a commit cut by power loss may be
  // retried with the same generation but different content.
  SETLS_TRY(random_bytes(nonce));

  Bytes image;
  image.reserve(kHeaderSize + body->size() + kTagSize);
  Writer w(image, kBankSize);
  w.bytes(kMagic).u16(kImageFormat).u16(0).u64(generation).u32(static_cast<uint32_t>(body->size()));
  w.bytes(nonce);
  if (!w.ok()) return Status::NvmFull;
  Bytes sealed(body->size() + kTagSize);
  Aead aead;
  SETLS_TRY(aead.init(AeadAlg::Aes256Gcm, key_.view()));
  SETLS_TRY(aead.seal(nonce, ByteView(image).first(kAadSize), body->view(), sealed));
  // Header holds the tag; the body follows.
  image.insert(image.end(), sealed.end() - kTagSize, sealed.end());
  image.insert(image.end(), sealed.begin(), sealed.end() - kTagSize);
  if (image.size() > kBankSize) return Status::NvmFull;

  int target = current_bank_ == 0 ? 1 : 0;
  SETLS_TRY(medium_->erase(target));
  // Body pages first, the header page last: until the last page lands the
  // bank cannot pass as an image.
  size_t pages = (image.size() + kPageSize - 1) / kPageSize;
  for (size_t p = pages; p-- > 0;) {
    size_t offset = p * kPageSize;
    size_t n = std::min(kPageSize, image.size() - offset);
    SETLS_TRY(medium_->program(target, offset, ByteView(image).subspan(offset, n)));
  }
  SETLS_TRY(medium_->sync());
  SETLS_TRY(medium_->advance_counter(generation));
  current_bank_ = target;
  generation_ = generation;
  used_ = image.size();
  return {};
}

Outcome Storage::scrub_stale_bank() {
  if (current_bank_ < 0) return {};
  int stale = current_bank_ == 0 ? 1 : 0;
  auto bank = medium_->read(stale);
  if (!bank) return bank.error();
  // Already blank: nothing to erase (and no flash wear).
  if (std::all_of(bank->begin(), bank->end(), [](uint8_t b) { return b == kErasedByte; })) return {};
  SETLS_TRY(medium_->erase(stale));
  return medium_->sync();
}

}  // namespace setls::chip
