// Invariant 8, second half: an NVM image altered outside the chip is
// detected at start and the chip refuses to run on it (NvmTampered) — any
// edited byte, an older image put back, erased banks, another chip's image
// or fuses — and setls-chipd says so in words.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/chip_probe.h"
#include "tests/support/power_cut_medium.h"
#include "tests/support/process.h"
#include "tests/support/ram_chip.h"
#include "tests/support/temp_dir.h"

namespace setls::test {
namespace {

namespace fs = std::filesystem;

// Offset of the generation in an image header: magic (8), format (2), reserved (2).
constexpr size_t kGenerationOffset = 12;

uint64_t image_generation(const Bytes& bank) {
  uint64_t g = 0;
  for (size_t i = 0; i < 8; ++i) g = g << 8 | bank[kGenerationOffset + i];
  return g;
}

// A provisioned chip on flash the test owns, with a copy of the flash taken
// before lock (an older, genuine image).
class NvmTamper : public testing::Test {
 protected:
  void SetUp() override {
    fuses_ = std::move(chip::burn_fuses()).value();
    auto fw = std::move(chip::Firmware::start(std::make_unique<PowerCutMedium>(flash_), fuses_)).value();
    auto driver = std::move(host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(*fw, 1))).value();
    provision(*driver, pki_, Curve::P256, /*lock=*/false);
    older_ = flash_;
    ASSERT_TRUE(driver->lock().ok());
    state_ = state_bytes(fw->state());
    used_ = fw->storage().used();
    counter_ = *flash_.read_counter();
    current_ = image_generation(flash_.bank(0)) == counter_ ? 0 : 1;
    ASSERT_EQ(image_generation(flash_.bank(current_)), counter_);
  }

  Result<std::unique_ptr<chip::Firmware>> start(chip::MemoryMedium& flash, const chip::Fuses& fuses) {
    return chip::Firmware::start(std::make_unique<PowerCutMedium>(flash), fuses);
  }
  Status start_status(chip::MemoryMedium flash) { return start(flash, fuses_).status(); }

  TestPki pki_ = TestPki::create();
  chip::Fuses fuses_;
  chip::MemoryMedium flash_, older_;
  Bytes state_;
  size_t used_ = 0;
  uint64_t counter_ = 0;
  int current_ = 0;
};

TEST_F(NvmTamper, TheUntouchedImageStarts) {
  chip::MemoryMedium flash = flash_;
  auto fw = start(flash, fuses_);
  ASSERT_TRUE(fw.ok());
  EXPECT_EQ(state_bytes((*fw)->state()), state_);
}

TEST_F(NvmTamper, AnyEditedByteOfTheCurrentImageIsRefused) {
  ASSERT_GT(used_, 1000u);
  size_t tried = 0;
  for (size_t offset = 0; offset < used_; ++offset) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
      if (offset % 7 != 0 && mask != 0x01) continue;  // every byte once, some more ways
      chip::MemoryMedium flash = flash_;
      flash.bank(current_)[offset] ^= mask;
      ASSERT_EQ(start_status(flash), Status::NvmTampered) << "offset " << offset << " mask " << int{mask};
      ++tried;
    }
  }
  EXPECT_GT(tried, used_);
}

TEST_F(NvmTamper, BytesOutsideTheImageAreNotPartOfIt) {
  // Flash past the image's end is not read: editing it changes nothing.
  chip::MemoryMedium flash = flash_;
  flash.bank(current_)[used_ + 10] ^= 0x55;
  auto fw = start(flash, fuses_);
  ASSERT_TRUE(fw.ok());
  EXPECT_EQ(state_bytes((*fw)->state()), state_);
}

TEST_F(NvmTamper, AnOlderGenuineImagePutBackIsRefused) {
  // Either bank of the pre-lock flash, copied over the current image: the
  // counter (on-die, out of reach) says it is stale.
  for (int from = 0; from < 2; ++from) {
    chip::MemoryMedium flash = flash_;
    flash.bank(current_) = older_.bank(from);
    EXPECT_EQ(start_status(flash), Status::NvmTampered) << "bank " << from;
  }
  chip::MemoryMedium whole = older_;
  whole.set_counter(counter_);
  EXPECT_EQ(start_status(whole), Status::NvmTampered);
  // The same old image is fine on the chip it came from, at its own time.
  EXPECT_TRUE(start(older_, fuses_).ok());
}

TEST_F(NvmTamper, ErasedBanksOnAUsedChipAreRefused) {
  chip::MemoryMedium flash = flash_;
  ASSERT_TRUE(flash.erase(0).ok());
  ASSERT_TRUE(flash.erase(1).ok());
  EXPECT_EQ(start_status(flash), Status::NvmTampered);
  // Erasing only the current bank leaves the previous image: stale, refused.
  chip::MemoryMedium one = flash_;
  ASSERT_TRUE(one.erase(current_).ok());
  EXPECT_EQ(start_status(one), Status::NvmTampered);
}

TEST_F(NvmTamper, AnotherChipsFusesOrImageAreRefused) {
  chip::Fuses other = std::move(chip::burn_fuses()).value();
  chip::MemoryMedium flash = flash_;
  EXPECT_EQ(start(flash, other).status(), Status::NvmTampered);
  // Another chip's image with the same generation, put in this chip's flash.
  chip::MemoryMedium foreign;
  {
    auto fw = std::move(start(foreign, other)).value();
    auto driver = std::move(host::ChipDriver::open(std::make_unique<chip::InProcessTransport>(*fw, 1))).value();
    provision(*driver, pki_);  // the same commits: the same generation
    ASSERT_EQ(fw->storage().generation(), counter_);
  }
  chip::MemoryMedium swapped = foreign;
  swapped.set_counter(counter_);
  EXPECT_EQ(start_status(swapped), Status::NvmTampered);
}

// setls-chipd on copied state directories: the refusal must say why.
class ClonedStateDir : public testing::Test {
 protected:
  // A chip made by setls-chipd itself, with a device key in its NVM.
  std::string make_chip(const std::string& name) {
    std::string dir = tmp_.file(name), socket = tmp_.file(name + ".sock");
    Process chipd = Process::start({binary("setls-chipd"), "--state", dir, "--socket", socket});
    EXPECT_TRUE(wait_for_path(socket, 10s));
    RunResult r = run({binary("setls"), "factory", "keygen", "--chip", "unix:" + socket}, "", 30s);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(chipd.stop(SIGTERM), 0);
    return dir;
  }

  // Runs setls-chipd on `dir` and expects it to refuse to start.
  RunResult refuse(const std::string& dir, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {binary("setls-chipd"), "--state", dir, "--socket", tmp_.file("never.sock")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    RunResult r = run(argv, "", 20s);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_FALSE(fs::exists(tmp_.file("never.sock")));
    return r;
  }

  TempDir tmp_;
};

TEST_F(ClonedStateDir, AnImageWithoutItsFusesIsRefusedWithAClearMessage) {
  std::string a = make_chip("a");
  std::string clone = tmp_.file("clone");
  fs::create_directory(clone);
  fs::copy_file(a + "/nvm.bin", clone + "/nvm.bin");
  fs::copy_file(a + "/counter.bin", clone + "/counter.bin");
  RunResult r = refuse(clone);
  EXPECT_NE(r.err.find("has no fuses"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("copied from another chip"), std::string::npos) << r.err;
  // It did not make itself a new chip on the copied image.
  EXPECT_FALSE(fs::exists(clone + "/fuses.bin"));
}

TEST_F(ClonedStateDir, AnImageWithAnotherChipsFusesIsRefused) {
  std::string a = make_chip("a"), b = make_chip("b");
  std::string clone = tmp_.file("clone");
  fs::create_directory(clone);
  fs::copy_file(a + "/nvm.bin", clone + "/nvm.bin");
  fs::copy_file(a + "/counter.bin", clone + "/counter.bin");
  fs::copy_file(b + "/fuses.bin", clone + "/fuses.bin");
  RunResult r = refuse(clone);
  EXPECT_NE(r.err.find("failed its integrity check"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("NvmTampered"), std::string::npos) << r.err;
  // The same with --fuses pointing at the other chip's fuse file.
  RunResult with_option = refuse(a, {"--fuses", b + "/fuses.bin"});
  EXPECT_NE(with_option.err.find("failed its integrity check"), std::string::npos) << with_option.err;
}

TEST_F(ClonedStateDir, AnEditedImageOnDiskIsRefused) {
  std::string a = make_chip("a");
  {
    std::fstream nvm(a + "/nvm.bin", std::ios::in | std::ios::out | std::ios::binary);
    for (std::streamoff at : {std::streamoff{40}, std::streamoff{32 * 1024 + 40}}) {
      nvm.seekg(at);
      char c = 0;
      nvm.get(c);
      nvm.seekp(at);
      nvm.put(static_cast<char>(c ^ 0x20));
    }
  }
  RunResult r = refuse(a);
  EXPECT_NE(r.err.find("failed its integrity check"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace setls::test
