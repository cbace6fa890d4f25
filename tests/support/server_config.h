// The recommended server configurations (examples/server-config/*.in,
// explained in docs/server-config.md), rendered for a test: the tests run
// mosquitto and nginx with exactly what the docs recommend and the demo uses.
#pragma once

#include <map>
#include <string>

namespace setls::test {

// The template `name` (e.g. "nginx.conf") with every @KEY@ replaced by
// values[KEY]. A placeholder without a value fails the test (ADD_FAILURE)
// and stays in the text, so the server refuses the file.
std::string render_server_config(const std::string& name, const std::map<std::string, std::string>& values);

}  // namespace setls::test
