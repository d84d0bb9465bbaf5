#include "cli/drivers/rtos_params.hpp"

namespace ipcsim::drivers::rtos_scenario {

const std::vector<std::string>& kinds() {
  static const std::vector<std::string> k = {"pipeline", "pass_chain", "broadcast", "assembly", "deletion",
                                             "broadcasters"};
  return k;
}

// ---- The parameters of each kind, one table each (read and documented alike) ----

ParamTable<wl::PipelineParams> pipeline_table() {
  using P = wl::PipelineParams;
  ParamTable<P> t;
  t.count("packets", &P::packets, 1, 100'000, "packets the NIC receives")
      .duration("first_at", &P::first_at, "arrival of the first packet")
      .duration("period", &P::period, "time between arrivals")
      .duration("jitter", &P::jitter, "extra random delay per arrival, in [0, jitter)")
      .count("min_bytes", &P::min_bytes, 16, 65'536, "smallest packet, 16-byte header included")
      .count("max_bytes", &P::max_bytes, 16, 65'536, "largest packet")
      .count("packet_priorities", &P::packet_priorities, 1, 255, "packet priority drawn from [1, this]")
      .count("rx_blocks", &P::rx_blocks, 1, 10'000, "bare blocks in the rx pool (limit)")
      .count("block_size", &P::block_size, 16, 65'536, "bytes per block; at least max_bytes")
      .count("general_blocks", &P::general_blocks, 1, 10'000, "blocks of the general pool")
      .count("pipe_capacity", &P::pipe_capacity, 1, 10'000, "dbps between ISR and link task (limit)")
      .count("fifo_limit", &P::fifo_limit, 1, 10'000, "packets in the NIC's receive FIFO (limit)")
      .priority("isr_priority", &P::isr_priority, "the ISR's priority (the highest)")
      .priority("link_priority", &P::link_priority, "link task")
      .priority("tx_priority", &P::tx_priority, "tx driver task")
      .priority("net_priority", &P::net_priority, "network task")
      .priority("app_priority", &P::app_priority, "the app's own priority (it runs at each packet's)")
      .duration("app_work", &P::app_work, "app compute per packet")
      .count("output_every", &P::output_every, 0, 100'000, "every n-th packet is unmade and sent out; 0: none")
      .duration("tx_time", &P::tx_time, "tx driver time per output packet");
  return t;
}

ParamTable<wl::PassChainParams> pass_chain_table() {
  using P = wl::PassChainParams;
  ParamTable<P> t;
  t.count("stages", &P::stages, 1, 64, "stage tasks linked by pass exchanges")
      .count("messages", &P::messages, 1, 100'000, "messages in all")
      .count("sources", &P::sources, 1, 64, "source tasks")
      .priority("source_priority", &P::source_priority, "the sources' priority")
      .priority("stage_priority", &P::stage_priority, "the stages' own priority (below every message's)")
      .count("min_msg_priority", &P::min_msg_priority, 0, 255, "lowest message priority")
      .count("max_msg_priority", &P::max_msg_priority, 0, 255, "highest message priority")
      .duration("stage_work", &P::stage_work, "compute per message per stage")
      .duration("send_gap", &P::send_gap, "a source's pause between sends")
      .count("block_size", &P::block_size, 16, 65'536, "bytes per message body")
      .count("blocks", &P::blocks, 1, 10'000, "messages alive at once (limit)");
  return t;
}

// The broadcast interlock (impl/rtos/sync.hpp), for both broadcast kinds.
const std::vector<std::pair<std::string, rtos::Interlock>> kInterlocks = {
    {"atomic", rtos::Interlock::Atomic}, {"seed", rtos::Interlock::Seed}};
constexpr const char* kInterlockDoc =
    "how a slave ends a round: \"atomic\" signals semT and waits at semG in one step; \"seed\" does it in "
    "two ops, as the seed words it (a pulse can miss a slave: impl/rtos/README.md says when)";

ParamTable<wl::BroadcastParams> broadcast_table() {
  using P = wl::BroadcastParams;
  ParamTable<P> t;
  t.count("slaves", &P::slaves, 1, 64, "slave tasks")
      .count("rounds", &P::rounds, 1, 100'000, "broadcast rounds")
      .priority("master_priority", &P::master_priority, "the master")
      .priority("slave_priority", &P::slave_priority, "every slave (above the master: the fast-slave case)")
      .priority("sink_priority", &P::sink_priority, "the sink of the assembled message")
      .count("late_readers", &P::late_readers, 0, 64, "tasks that read the broadcast exchange once, late")
      .priority("late_reader_priority", &P::late_reader_priority, "every late reader")
      .duration("slave_work_min", &P::slave_work_min, "a slave's least work per round")
      .duration("slave_work_max", &P::slave_work_max, "a slave's most work per round")
      .count("block_size", &P::block_size, 16, 65'536, "message body bytes; at least 8 + 4 * slaves")
      .count("shared_memory_bytes", &P::shared_memory_bytes, 1024, 1u << 30,
             "with slave_cpus: the shared region the RTOS lives in")
      .choice("interlock", &P::interlock, kInterlocks, kInterlockDoc);
  return t;
}

ParamTable<wl::AssemblyParams> assembly_table() {
  using P = wl::AssemblyParams;
  ParamTable<P> t;
  t.count("messages", &P::messages, 1, 100'000, "messages assembled")
      .count("servers", &P::servers, 1, 64, "1 header server + (servers - 1) payload servers")
      .count("header_bytes", &P::header_bytes, 1, 4096, "header section size")
      .count("section_bytes", &P::section_bytes, 1, 4096, "payload section size")
      .priority("client_priority", &P::client_priority, "the client")
      .priority("server_priority", &P::server_priority, "every server")
      .priority("sink_priority", &P::sink_priority, "the sink")
      .duration("server_latency", &P::server_latency, "server i waits (i + 1) * this before filling")
      .count("blocks", &P::blocks, 1, 10'000, "real messages alive at once (limit)");
  return t;
}

ParamTable<wl::DeletionParams> deletion_table() {
  using P = wl::DeletionParams;
  ParamTable<P> t;
  t.count("workers", &P::workers, 1, 64, "worker tasks")
      .count("holdings", &P::holdings, 1, 1000, "services each worker performs before waiting forever")
      .count("exiting", &P::exiting, 0, 64, "workers that return (a return deletes the task)")
      .count("killed", &P::killed, 0, 64, "workers killed outside the RTOS (reaped later)")
      .duration("work", &P::work, "a worker's pause between services")
      .duration("delete_after_min", &P::delete_after_min, "the supervisor's least wait before a deletion")
      .duration("delete_after_max", &P::delete_after_max, "the supervisor's most wait before a deletion")
      .priority("worker_priority", &P::worker_priority, "every worker")
      .priority("supervisor_priority", &P::supervisor_priority, "the supervisor")
      .priority("collector_priority", &P::collector_priority, "the collector")
      .count("block_size", &P::block_size, 16, 65'536, "bytes per pool block")
      .count("blocks", &P::blocks, 1, 10'000, "pool blocks (limit)")
      .count("heap_bytes", &P::heap_bytes, 64, 1 << 24, "the heap's arena");
  return t;
}

ParamTable<wl::BroadcastersParams> broadcasters_table() {
  using P = wl::BroadcastersParams;
  ParamTable<P> t;
  t.count("broadcasters", &P::broadcasters, 1, 64, "broadcaster tasks, each with its own pool")
      .count("messages_each", &P::messages_each, 1, 10'000, "messages each broadcaster sends")
      .count("slaves", &P::slaves, 1, 64, "slave tasks of the broadcasting master")
      .priority("broadcaster_priority", &P::broadcaster_priority, "broadcaster i runs at this + i")
      .priority("master_priority", &P::master_priority, "the broadcasting master")
      .priority("slave_priority", &P::slave_priority, "every slave")
      .count("max_msg_priority", &P::max_msg_priority, 1, 255, "message priority random in [1, this]")
      .duration("slave_work", &P::slave_work, "a slave's work per round")
      .count("block_size", &P::block_size, 16, 65'536, "bytes per message body")
      .count("blocks_each", &P::blocks_each, 1, 10'000, "blocks of each broadcaster's pool")
      .count("shared_memory_bytes", &P::shared_memory_bytes, 1024, 1u << 30,
             "with slave_cpus: the shared region the RTOS lives in")
      .choice("interlock", &P::interlock, kInterlocks, kInterlockDoc);
  return t;
}

ParamTable<rtos::RtosCosts> costs_table() {
  using C = rtos::RtosCosts;
  ParamTable<C> t;
  t.duration("block_get_bare", &C::block_get_bare, "BlockGet of a bare block")
      .duration("block_rel_bare", &C::block_rel_bare, "BlockRel of a bare block")
      .duration("block_get", &C::block_get, "BlockGet of a standard block (block + BCB)")
      .duration("block_make", &C::block_make, "BlockMake")
      .duration("block_unmake", &C::block_unmake, "BlockUnmake")
      .duration("block_rel", &C::block_rel, "BlockRel of a standard block")
      .duration("msg_get", &C::msg_get, "MsgGet (block + MCB)")
      .duration("msg_make", &C::msg_make, "MsgMake (also a proxy)")
      .duration("msg_unmake", &C::msg_unmake, "MsgUnmake")
      .duration("msg_rel", &C::msg_rel, "MsgRel")
      .duration("heap_malloc", &C::heap_malloc, "heap allocation (first fit)")
      .duration("heap_free", &C::heap_free, "HeapFree (with coalescing)")
      .duration("send", &C::send, "MsgSend")
      .duration("receive", &C::receive, "MsgReceive")
      .duration("pipe_op", &C::pipe_op, "pipe put or get")
      .duration("field", &C::field, "reading or setting a control-block field")
      .duration("task_delete", &C::task_delete, "TaskDelete (plus the releases it performs)")
      .count("copy_bytes_per_ns", &C::copy_bytes_per_ns, 0, 1'000'000, "copy rate; 0: copies are free");
  return t;
}

std::size_t memory_needed(const Params& p) {
  return std::visit([](const auto& q) { return wl::memory_needed(q); }, p);
}

}  // namespace ipcsim::drivers::rtos_scenario
