// Reading traces: the kernel's own output, and clear errors for bad input.
#include <gtest/gtest.h>

#include <sstream>

#include "viz/errors.hpp"
#include "viz/testing/golden.hpp"
#include "viz/testing/programs.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::viz {
namespace {

ParseError parse_error(const std::string& text) {
  std::istringstream in(text);
  try {
    parse_trace(in, "bad.jsonl");
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "no ParseError for:\n" << text;
  return ParseError("", 0, 0, "");
}

TEST(TraceReaderTest, ReadsTheKernelsTraceWithNamesAndFlows) {
  const Trace t = testing::parse(testing::ping_pong_trace(), "pp");
  EXPECT_EQ(t.source(), "pp");
  ASSERT_GT(t.size(), 20u);
  EXPECT_EQ(t.records()[0].kind, "sim.object");
  EXPECT_EQ(t.records()[0].line, 1u);
  EXPECT_EQ(t.actor_name(1), "ping");
  EXPECT_EQ(t.actor_name(2), "pong");
  EXPECT_EQ(t.actor_name(0), "kernel");
  EXPECT_EQ(t.actor_name(77), "#77");
  EXPECT_EQ(t.actor_cpu(2), 1u);
  ASSERT_EQ(t.cpus().size(), 2u);
  EXPECT_EQ(t.cpus()[1].name, "cpu1");
  EXPECT_EQ(t.cpus()[1].policy, "fifo");
  EXPECT_NE(t.cpus()[1].memory, kNoObject);
  EXPECT_EQ(t.object_name(t.cpus()[1].memory), "cpu1.mem");
  ASSERT_EQ(t.buses().size(), 1u);
  EXPECT_EQ(t.buses()[0].name, "bus0");
  EXPECT_EQ(t.buses()[0].cpus, (std::vector<CpuId>{0, 1}));
  EXPECT_EQ(t.buses()[0].latency_ns, 1000);
  // Ping's first message (sim::World::new_message_id: actor 1's first id) goes to pong.
  const FlowInfo* f = t.flow(1'000'000'001);
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->out.has_value());
  EXPECT_EQ(t.records()[*f->out].kind, "bus.send");
  EXPECT_EQ(t.records()[*f->out].actor, 1u);
  ASSERT_FALSE(f->in.empty());
  EXPECT_EQ(t.records()[f->in[0]].actor, 2u);
  EXPECT_EQ(t.receiver_of(t.records()[f->in[0]].obj), 2u);
  EXPECT_TRUE(t.violations().empty());
}

TEST(TraceReaderTest, KeepsFieldOrderAndTypes) {
  std::istringstream in(
      R"({"seq":3,"t":-5,"actor":2,"kind":"x.y","b":true,"s":"text","i":-7,"f":1.5,"a":[1,2],"n":null})" "\n");
  const Trace t = parse_trace(in);
  const Record& r = t.records()[0];
  EXPECT_EQ(r.seq, 3u);
  EXPECT_EQ(r.t, -5);
  EXPECT_EQ(r.cpu, kNoCpu);
  EXPECT_EQ(r.obj, kNoObject);
  ASSERT_EQ(r.fields.size(), 6u);
  EXPECT_EQ(r.fields[0].key, "b");
  EXPECT_EQ(r.fields[0].value.type, Value::Type::Bool);
  EXPECT_EQ(r.int_field("b"), 1);
  EXPECT_EQ(r.str_field("s"), "text");
  EXPECT_EQ(r.int_field("i"), -7);
  EXPECT_EQ(r.field("f")->text(), "1.5");
  EXPECT_EQ(r.field("a")->text(), "[1,2]");
  EXPECT_EQ(r.field("n")->type, Value::Type::Raw);
  EXPECT_FALSE(r.int_field("s").has_value());
  EXPECT_EQ(r.describe(), "seq 3, t -5 ns, x.y b=true s=text i=-7 f=1.5 a=[1,2] n=null");
}

TEST(TraceReaderTest, BlankLinesAndCrlfAreFine) {
  std::istringstream in("\n{\"seq\":0,\"t\":0,\"kind\":\"a\"}\r\n   \n{\"seq\":1,\"t\":0,\"kind\":\"b\"}\n");
  const Trace t = parse_trace(in);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.records()[1].line, 4u);
}

TEST(TraceReaderTest, SyntaxErrorsNameFileLineAndColumn) {
  const ParseError e = parse_error("{\"seq\":0,\"t\":0,\"kind\":\"a\"}\n{\"seq\":1,\"t\":0,,\"kind\":\"b\"}\n");
  EXPECT_EQ(e.file(), "bad.jsonl");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.column(), 16u);
  EXPECT_EQ(std::string(e.what()).substr(0, 16), "bad.jsonl:2:16: ");
  EXPECT_NE(e.message().find("expected a field name"), std::string::npos) << e.what();
  const ParseError unterminated = parse_error("{\"seq\":0,\"t\":0,\"kind\":\"a}\n");
  EXPECT_EQ(unterminated.column(), 23u) << "points at the opening quote";
  EXPECT_NE(unterminated.message().find("unterminated string"), std::string::npos);
  const ParseError trailing = parse_error("{\"seq\":0,\"t\":0,\"kind\":\"a\"} x\n");
  EXPECT_EQ(trailing.column(), 28u);
  EXPECT_NE(trailing.message().find("after the record"), std::string::npos);
  const ParseError escape = parse_error("{\"seq\":0,\"t\":0,\"kind\":\"a\\q\"}\n");
  EXPECT_NE(escape.message().find("invalid escape"), std::string::npos) << escape.what();
  const ParseError number = parse_error("{\"seq\":0,\"t\":0,\"kind\":\"a\",\"x\":01}\n");
  EXPECT_NE(number.message().find("expected ',' or '}'"), std::string::npos) << number.what();
}

TEST(TraceReaderTest, TheFirstKindIsTheRecordsAndALaterOneIsAField) {
  // A mechanism may call a field "kind" (a pool's kind, say): the record keeps its own.
  std::istringstream in(R"({"seq":0,"t":0,"kind":"rtos.pool.create","obj":5,"kind":"mcb","blocks":128})" "\n");
  const Trace t = parse_trace(in);
  const Record& r = t.records()[0];
  EXPECT_EQ(r.kind, "rtos.pool.create");
  EXPECT_EQ(r.obj, 5u);
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[0].key, "kind");
  EXPECT_EQ(r.str_field("kind"), "mcb");
}

TEST(TraceReaderTest, StringEscapesAreDecoded) {
  std::istringstream in(R"({"seq":0,"t":0,"kind":"a","s":"q\"b\\n\n\u00b5\ud83d\ude00"})" "\n");
  const Trace t = parse_trace(in);
  EXPECT_EQ(t.records()[0].str_field("s"), "q\"b\\n\nµ\xF0\x9F\x98\x80");
}

TEST(TraceReaderTest, ShapeErrorsSayWhatWasExpected) {
  const ParseError not_object = parse_error("[1,2]\n");
  EXPECT_EQ(not_object.line(), 1u);
  EXPECT_NE(not_object.message().find("expected a JSON object"), std::string::npos);

  const ParseError no_kind = parse_error("{\"seq\":0,\"t\":0}\n");
  EXPECT_NE(no_kind.message().find("missing \"kind\""), std::string::npos) << no_kind.what();

  const ParseError no_seq = parse_error("{\"t\":0,\"kind\":\"a\"}\n");
  EXPECT_NE(no_seq.message().find("missing \"seq\""), std::string::npos);

  const ParseError bad_actor = parse_error("{\"seq\":0,\"t\":0,\"actor\":\"ping\",\"kind\":\"a\"}\n");
  EXPECT_EQ(bad_actor.column(), 24u) << "points at the value";
  EXPECT_NE(bad_actor.message().find("\"actor\" must be a non-negative integer"), std::string::npos) << bad_actor.what();
  EXPECT_NE(bad_actor.message().find("got \"ping\""), std::string::npos);

  const ParseError bad_time = parse_error("{\"seq\":0,\"t\":1.5,\"kind\":\"a\"}\n");
  EXPECT_NE(bad_time.message().find("\"t\" must be an integer"), std::string::npos);

  const ParseError empty_kind = parse_error("{\"seq\":0,\"t\":0,\"kind\":\"\"}\n");
  EXPECT_NE(empty_kind.message().find("non-empty string"), std::string::npos);
}

TEST(TraceReaderTest, RecordsMustBeInOrder) {
  const ParseError e = parse_error("{\"seq\":4,\"t\":0,\"kind\":\"a\"}\n{\"seq\":4,\"t\":0,\"kind\":\"b\"}\n");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_NE(e.message().find("does not follow seq 4"), std::string::npos) << e.what();
}

TEST(TraceReaderTest, EmptyInputAndMissingFilesAreErrors) {
  const ParseError empty = parse_error("\n\n");
  EXPECT_NE(empty.message().find("empty trace"), std::string::npos);
  try {
    load_trace("/nonexistent/run.jsonl");
    FAIL() << "expected a ParseError";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/run.jsonl");
    EXPECT_NE(e.message().find("cannot open"), std::string::npos);
  }
}

TEST(TraceReaderTest, LoadsAStoredTrace) {
  const Trace t = load_trace(testing::testdata_path("crash.jsonl"));
  EXPECT_EQ(t.source(), testing::testdata_path("crash.jsonl"));
  EXPECT_EQ(t.violations().size(), 1u);
  ASSERT_EQ(t.regions().size(), 1u);
  EXPECT_EQ(t.regions()[0].name, "table");
  EXPECT_EQ(t.regions()[0].cpus, (std::vector<CpuId>{1, 2}));
  EXPECT_EQ(t.index_of_seq(t.records()[5].seq), 5u);
  EXPECT_FALSE(t.index_of_seq(1'000'000).has_value());
}

}  // namespace
}  // namespace ipcsim::viz
