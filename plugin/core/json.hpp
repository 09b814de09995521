// RAII ownership of Jansson values: one reference per Json object.
#pragma once

#include <jansson.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace counsel {

class Json {
public:
    Json() = default;
    // Takes over a reference the caller owns (e.g. from json_object()).
    static Json adopt(json_t* value) { return Json(value); }
    // Takes a new reference on a value someone else owns.
    static Json borrow(json_t* value) { return Json(json_incref(value)); }

    static Json object() { return Json(json_object()); }
    static Json array() { return Json(json_array()); }

    Json(const Json& other) : value_(json_incref(other.value_)) {}
    Json(Json&& other) noexcept : value_(std::exchange(other.value_, nullptr)) {}
    Json& operator=(Json other) noexcept {
        std::swap(value_, other.value_);
        return *this;
    }
    ~Json() { json_decref(value_); }

    json_t* get() const { return value_; }
    // Hands the reference to the caller (e.g. a Janus API that steals it).
    json_t* release() { return std::exchange(value_, nullptr); }
    explicit operator bool() const { return value_ != nullptr; }

    // Builders for objects; they return *this so calls chain.
    Json& set(const char* key, Json value) {
        json_object_set_new(value_, key, value.release());
        return *this;
    }
    Json& set(const char* key, std::string_view text) {
        json_object_set_new(value_, key, json_stringn(text.data(), text.size()));
        return *this;
    }
    Json& set(const char* key, const char* text) { return set(key, std::string_view(text)); }
    Json& set(const char* key, const std::string& text) { return set(key, std::string_view(text)); }
    Json& set(const char* key, bool flag) {
        json_object_set_new(value_, key, json_boolean(flag));
        return *this;
    }
    Json& set(const char* key, std::int64_t number) {
        json_object_set_new(value_, key, json_integer(number));
        return *this;
    }
    Json& set(const char* key, std::uint64_t number) { return set(key, static_cast<std::int64_t>(number)); }
    Json& set(const char* key, int number) { return set(key, static_cast<std::int64_t>(number)); }
    Json& append(Json value) {
        json_array_append_new(value_, value.release());
        return *this;
    }

    // Readers; they never throw and return nullopt on a missing or mistyped field.
    json_t* field(const char* key) const { return json_is_object(value_) ? json_object_get(value_, key) : nullptr; }
    std::optional<std::string> string_at(const char* key) const {
        json_t* v = field(key);
        if (!json_is_string(v)) return std::nullopt;
        return std::string(json_string_value(v), json_string_length(v));
    }
    std::optional<std::int64_t> integer_at(const char* key) const {
        json_t* v = field(key);
        if (!json_is_integer(v)) return std::nullopt;
        return json_integer_value(v);
    }

    std::string dump() const {
        if (!value_) return {};
        char* text = json_dumps(value_, JSON_COMPACT | JSON_SORT_KEYS);
        std::string out = text ? text : "";
        free(text);
        return out;
    }

private:
    explicit Json(json_t* value) : value_(value) {}
    json_t* value_ = nullptr;
};

}  // namespace counsel
