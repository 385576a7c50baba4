/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events: /sys/kernel/tracing/events/mvgpu/
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mvgpu

#if !defined(_MVGPU_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _MVGPU_TRACE_H_

#include <linux/tracepoint.h>

TRACE_EVENT(mvgpu_pick,
	TP_PROTO(u32 gpu, u32 engine, u32 vgpu, u32 level, u64 slice_ns,
		 u64 wait_ns),
	TP_ARGS(gpu, engine, vgpu, level, slice_ns, wait_ns),
	TP_STRUCT__entry(
		__field(u32, gpu)
		__field(u32, engine)
		__field(u32, vgpu)
		__field(u32, level)
		__field(u64, slice_ns)
		__field(u64, wait_ns)
	),
	TP_fast_assign(
		__entry->gpu = gpu;
		__entry->engine = engine;
		__entry->vgpu = vgpu;
		__entry->level = level;
		__entry->slice_ns = slice_ns;
		__entry->wait_ns = wait_ns;
	),
	TP_printk("gpu=%u engine=%u vgpu=%u level=%u slice_ns=%llu wait_ns=%llu",
		  __entry->gpu, __entry->engine, __entry->vgpu, __entry->level,
		  __entry->slice_ns, __entry->wait_ns)
);

TRACE_EVENT(mvgpu_switch,
	TP_PROTO(u32 gpu, u32 engine, u32 prev, u32 next, u64 cost_ns),
	TP_ARGS(gpu, engine, prev, next, cost_ns),
	TP_STRUCT__entry(
		__field(u32, gpu)
		__field(u32, engine)
		__field(u32, prev)
		__field(u32, next)
		__field(u64, cost_ns)
	),
	TP_fast_assign(
		__entry->gpu = gpu;
		__entry->engine = engine;
		__entry->prev = prev;
		__entry->next = next;
		__entry->cost_ns = cost_ns;
	),
	TP_printk("gpu=%u engine=%u out=%u in=%u cost_ns=%llu",
		  __entry->gpu, __entry->engine, __entry->prev, __entry->next,
		  __entry->cost_ns)
);

TRACE_EVENT(mvgpu_put,
	TP_PROTO(u32 gpu, u32 engine, u32 vgpu, const char *why, u64 ran_ns,
		 u32 old_level, u32 new_level),
	TP_ARGS(gpu, engine, vgpu, why, ran_ns, old_level, new_level),
	TP_STRUCT__entry(
		__field(u32, gpu)
		__field(u32, engine)
		__field(u32, vgpu)
		__string(why, why)
		__field(u64, ran_ns)
		__field(u32, old_level)
		__field(u32, new_level)
	),
	TP_fast_assign(
		__entry->gpu = gpu;
		__entry->engine = engine;
		__entry->vgpu = vgpu;
		__assign_str(why, why);
		__entry->ran_ns = ran_ns;
		__entry->old_level = old_level;
		__entry->new_level = new_level;
	),
	TP_printk("gpu=%u engine=%u vgpu=%u %s ran_ns=%llu level=%u->%u",
		  __entry->gpu, __entry->engine, __entry->vgpu, __get_str(why),
		  __entry->ran_ns, __entry->old_level, __entry->new_level)
);

TRACE_EVENT(mvgpu_boost,
	TP_PROTO(u32 gpu, u64 epoch),
	TP_ARGS(gpu, epoch),
	TP_STRUCT__entry(
		__field(u32, gpu)
		__field(u64, epoch)
	),
	TP_fast_assign(
		__entry->gpu = gpu;
		__entry->epoch = epoch;
	),
	TP_printk("gpu=%u epoch=%llu", __entry->gpu, __entry->epoch)
);

TRACE_EVENT(mvgpu_fault,
	TP_PROTO(u32 vgpu, u32 code, u32 info, u64 addr, u32 ring_head),
	TP_ARGS(vgpu, code, info, addr, ring_head),
	TP_STRUCT__entry(
		__field(u32, vgpu)
		__field(u32, code)
		__field(u32, info)
		__field(u64, addr)
		__field(u32, ring_head)
	),
	TP_fast_assign(
		__entry->vgpu = vgpu;
		__entry->code = code;
		__entry->info = info;
		__entry->addr = addr;
		__entry->ring_head = ring_head;
	),
	TP_printk("vgpu=%u code=%u info=%#x addr=%#llx ring_head=%#x",
		  __entry->vgpu, __entry->code, __entry->info, __entry->addr,
		  __entry->ring_head)
);

TRACE_EVENT(mvgpu_reset,
	TP_PROTO(u32 vgpu, const char *kind),
	TP_ARGS(vgpu, kind),
	TP_STRUCT__entry(
		__field(u32, vgpu)
		__string(kind, kind)
	),
	TP_fast_assign(
		__entry->vgpu = vgpu;
		__assign_str(kind, kind);
	),
	TP_printk("vgpu=%u %s", __entry->vgpu, __get_str(kind))
);

#endif /* _MVGPU_TRACE_H_ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
