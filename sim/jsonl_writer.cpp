#include "sim/jsonl_writer.hpp"

namespace ipcsim::sim {

void JsonlWriter::on_record(const TraceRecord& r) {
  append_json_record(buf_, r);
  buf_ += '\n';
  if (buf_.size() >= (1u << 16)) flush();
}

void JsonlWriter::flush() {
  out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  buf_.clear();
}

}  // namespace ipcsim::sim
