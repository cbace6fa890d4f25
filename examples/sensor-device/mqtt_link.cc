#include "examples/sensor-device/mqtt_link.h"

#include <cstdio>
#include <thread>

namespace sensor_device {

namespace {

MqttLink* self_of(void* p) { return static_cast<MqttLink*>(p); }

// libmosquitto's global state, set up once per process.
void init_library() {
  static const bool done = [] {
    mosquitto_lib_init();
    return true;
  }();
  (void)done;
}

}  // namespace

std::unique_ptr<MqttLink> MqttLink::open(const std::string& host, int port, const std::string& client_id,
                                         std::string command_topic, std::string& why) {
  init_library();
  // Clean session: after a reconnect the device subscribes again itself.
  mosquitto* m = mosquitto_new(client_id.c_str(), true, nullptr);
  if (m == nullptr) {
    why = "mosquitto_new failed";
    return nullptr;
  }
  std::unique_ptr<MqttLink> link(new MqttLink(m, std::move(command_topic)));
  mosquitto_user_data_set(m, link.get());
  mosquitto_connect_callback_set(m, on_connect);
  mosquitto_disconnect_callback_set(m, on_disconnect);
  mosquitto_subscribe_callback_set(m, on_subscribe);
  mosquitto_publish_callback_set(m, on_publish);
  mosquitto_message_callback_set(m, on_message);
  int rc = mosquitto_connect(m, host.c_str(), port, 30);
  if (rc != MOSQ_ERR_SUCCESS) {
    why = std::string("connecting to the tunnel: ") + mosquitto_strerror(rc);
    return nullptr;
  }
  return link;
}

MqttLink::~MqttLink() { mosquitto_destroy(mosq_); }

void MqttLink::on_connect(mosquitto* m, void* p, int rc) {
  MqttLink* self = self_of(p);
  if (rc != 0) {
    std::printf("mqtt: the broker refused the connection: %s\n", mosquitto_connack_string(rc));
    return;
  }
  self->connected_ = true;
  mosquitto_subscribe(m, nullptr, self->command_topic_.c_str(), 1);
}

void MqttLink::on_disconnect(mosquitto*, void* p, int) {
  MqttLink* self = self_of(p);
  self->connected_ = false;
  self->subscribed_ = false;
}

void MqttLink::on_subscribe(mosquitto*, void* p, int, int count, const int* granted) {
  // 0x80: the broker refused the subscription.
  if (count == 1 && granted[0] != 0x80) self_of(p)->subscribed_ = true;
}

void MqttLink::on_publish(mosquitto*, void* p, int mid) { self_of(p)->in_flight_.erase(mid); }

void MqttLink::on_message(mosquitto*, void* p, const mosquitto_message* message) {
  if (message->payloadlen < 0 || message->payloadlen > 256) return;  // commands are short
  self_of(p)->commands_.emplace_back(static_cast<const char*>(message->payload),
                                     static_cast<size_t>(message->payloadlen));
}

bool MqttLink::publish(const std::string& topic, const std::string& payload) {
  int mid = 0;
  int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, false);
  if (rc != MOSQ_ERR_SUCCESS) return false;
  in_flight_.insert(mid);
  return true;
}

void MqttLink::poll(std::chrono::milliseconds timeout) {
  int rc = mosquitto_loop(mosq_, static_cast<int>(timeout.count()), 1);
  if (rc == MOSQ_ERR_SUCCESS) return;
  // The tunnel reset the connection (the broker went away) or it never came
  // up: wait a little and try again; QoS 1 messages are resent after it.
  connected_ = false;
  subscribed_ = false;
  std::this_thread::sleep_for(timeout);
  if (mosquitto_reconnect(mosq_) == MOSQ_ERR_SUCCESS) ++reconnects_;
}

std::deque<std::string> MqttLink::take_commands() {
  std::deque<std::string> out;
  out.swap(commands_);
  return out;
}

void MqttLink::disconnect() {
  mosquitto_disconnect(mosq_);
  for (int i = 0; i < 10 && mosquitto_loop(mosq_, 50, 1) == MOSQ_ERR_SUCCESS; ++i) {
  }
}

}  // namespace sensor_device
