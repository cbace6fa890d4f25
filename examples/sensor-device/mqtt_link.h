// MQTT with libmosquitto, unmodified: it speaks plain MQTT to the in-process
// setls tunnel on 127.0.0.1, which carries the connection to the broker
// over TLS run by the chip (docs/dependencies.md says why not libmosquitto's
// own TLS). Publishes with QoS 1, subscribes to the command topic, and
// reconnects when the connection drops (the broker restarted).
#pragma once

#include <mosquitto.h>

#include <chrono>
#include <deque>
#include <memory>
#include <set>
#include <string>

namespace sensor_device {

class MqttLink {
 public:
  // Connects (the CONNACK comes later, in poll()).
  static std::unique_ptr<MqttLink> open(const std::string& host, int port, const std::string& client_id,
                                        std::string command_topic, std::string& why);
  ~MqttLink();
  MqttLink(const MqttLink&) = delete;
  MqttLink& operator=(const MqttLink&) = delete;

  // Queues a QoS 1 message; false if libmosquitto refused it.
  bool publish(const std::string& topic, const std::string& payload);
  // Network work for at most `timeout`; reconnects after a lost connection.
  void poll(std::chrono::milliseconds timeout);
  // Commands received since the last call, oldest first.
  std::deque<std::string> take_commands();

  bool subscribed() const { return subscribed_; }
  size_t unacknowledged() const { return in_flight_.size(); }
  int reconnects() const { return reconnects_; }
  // Sends DISCONNECT and lets libmosquitto flush it.
  void disconnect();

 private:
  MqttLink(mosquitto* m, std::string command_topic) : mosq_(m), command_topic_(std::move(command_topic)) {}
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_subscribe(mosquitto*, void* self, int mid, int count, const int* granted);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_message(mosquitto*, void* self, const mosquitto_message* message);

  mosquitto* mosq_;
  std::string command_topic_;
  bool connected_ = false;
  bool subscribed_ = false;
  int reconnects_ = 0;
  std::set<int> in_flight_;  // message ids waiting for PUBACK
  std::deque<std::string> commands_;
};

}  // namespace sensor_device
