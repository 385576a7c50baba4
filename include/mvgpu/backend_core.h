/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the core and a backend, the core's side: what the core
 * gives a new GPU and the calls up a backend makes (struct mvgpu_core_ops).
 * Included by <mvgpu/backend.h>; Documentation/backend.rst.
 */
#ifndef _MVGPU_BACKEND_CORE_H_
#define _MVGPU_BACKEND_CORE_H_

#include <linux/types.h>

#include <mvgpu/fault.h>
#include <mvgpu/hist.h>

struct mvgpu_ctx;

/**
 * struct mvgpu_gpu_config - what the core asks of a new GPU
 * @index: N of mvgpu.N
 * @vram_size: VRAM bytes (the module parameter ``vram_mb``)
 * @nr_engines: engines, all alike (the module parameter ``engines``, at
 *	most 8)
 * @watchdog_ms: longest a command may run (engine time), then it faults
 *	with MVGPU_ERR_TIMEOUT (ERROR_INFO its opcode, FAULT_ADDR its ring
 *	address); at most MVGPU_WATCHDOG_MAX_MS.  The backend enforces it, per
 *	command: the engine time the command has used across all its runs
 *	(preempted and resumed, saved in its image), and for a WAIT the time
 *	since it started waiting.  The core does not time commands; it uses
 *	the same value as its preemption timeout (&mvgpu_backend_ops.engine_reset).
 * @preempt_req: @nr_engines preemption requests, one per engine, in
 *	memory that lives as long as the GPU (struct mvgpu_preempt_req)
 *
 * Valid during &mvgpu_backend_ops.gpu_create only: a backend copies what
 * it keeps - but the memory @preempt_req points to stays until
 * &mvgpu_backend_ops.gpu_destroy has returned.
 */
struct mvgpu_gpu_config {
	unsigned int index;
	u64 vram_size;
	unsigned int nr_engines;
	unsigned int watchdog_ms;
	const struct mvgpu_preempt_req *preempt_req;
};

/**
 * struct mvgpu_preempt_req - the core's request for an engine's run back,
 *	in memory, as a GPU's scheduler polls a preemption request
 * @asked: the core wants the run back: set the moment it decides - under
 *	its scheduler lock, in whatever context (the slice timer's hardirq) -
 *	before any &mvgpu_backend_ops.preempt, cleared when the run ends or
 *	it decides the engine's next one (WRITE_ONCE())
 * @at_ns: where the core's count of the request starts (ktime_get_ns()),
 *	written before @asked (smp_wmb()): when it first asked in this run.
 *	After an &mvgpu_backend_ops.engine_reset of the run the core counts
 *	from the reset instead, and writes that time here with its next
 *	request in the run, if one comes (until then @at_ns keeps the first
 *	request's).  What &mvgpu_stop.cpu_wait_ns counts from.
 *
 * Every backend may read it; one whose engines watch it at every
 * preemption point stops without waiting for a call, and may leave
 * &mvgpu_backend_ops.preempt out (the software GPU does).  It is a kernel
 * struct in the CPU's memory, not memory a GPU can see: a backend whose
 * firmware stops the engine implements &mvgpu_backend_ops.preempt.
 */
struct mvgpu_preempt_req {
	bool asked;
	u64 at_ns;
};

/**
 * enum mvgpu_stop_reason - why a backend gave a context back
 * @MVGPU_STOP_EMPTY: the ring is empty (head reached the tail)
 * @MVGPU_STOP_PREEMPTED: the core asked for the engine back (its struct
 *	mvgpu_preempt_req, or &mvgpu_backend_ops.preempt) and work is left
 * @MVGPU_STOP_BLOCKED: the context cannot go on now - a WAIT is not
 *	satisfied, or a step waits for memory the backend gets off the engine
 *	(an engine must not wait for a tenant's memory); the core polls
 * @MVGPU_STOP_HOST: a command needs the core (&mvgpu_stop.host); the core
 *	answers with &mvgpu_backend_ops.ctx_host_done before the next run
 * @MVGPU_STOP_FAULT: a command faulted (&mvgpu_stop.fault), the watchdog's
 *	MVGPU_ERR_TIMEOUT and an engine reset's included; the context runs
 *	again only after a reset
 */
enum mvgpu_stop_reason {
	MVGPU_STOP_EMPTY,
	MVGPU_STOP_PREEMPTED,
	MVGPU_STOP_BLOCKED,
	MVGPU_STOP_HOST,
	MVGPU_STOP_FAULT,
};

/**
 * struct mvgpu_host_request - what a command needs the core to do
 * @op: the command's opcode: MVGPU_OP_MAP (of guest memory, or of VRAM
 *	into another context's table), MVGPU_OP_UNMAP (of another context's
 *	table), MVGPU_OP_CTX_CREATE, _DESTROY or _PRIORITY
 * @ctx: the context whose page table or state it changes (the command's
 *	context field; MAP and UNMAP of the running context's own table name
 *	it too)
 * @prio: CTX_CREATE, CTX_PRIORITY: the priority asked for
 * @va: MAP, UNMAP: first GPU VA
 * @iova: MAP: first guest IOVA (MVGPU_GPT_SYSMEM in @flags) or VRAM offset
 * @size: MAP, UNMAP: bytes
 * @flags: MAP: MVGPU_GPT_READ / WRITE / SYSMEM
 *
 * The backend hands over the command's fields as the guest wrote them
 * (after the checks of the command's format: ``uapi/mvgpu.h``, DOC:
 * Commands); the core checks what they name.
 */
struct mvgpu_host_request {
	u32 op;
	u32 ctx;
	u32 prio;
	u64 va;
	u64 iova;
	u64 size;
	u32 flags;
};

/**
 * struct mvgpu_stop - how a run ended
 * @reason: enum mvgpu_stop_reason
 * @ran_ns: engine time the run used (what the engine really spent on it,
 *	not time it was held up by the host)
 * @head: the ring offset of the first command not completed: the next to
 *	run, or for MVGPU_STOP_FAULT the command that faulted (the guest
 *	reads RING_HEAD at the faulting command,
 *	Documentation/programming-model.rst)
 * @busy: a command is in flight (fetched, not finished)
 * @fault: for MVGPU_STOP_FAULT
 * @host: for MVGPU_STOP_HOST
 * @cpu_wait_ns: for MVGPU_STOP_PREEMPTED: of the time since the engine was
 *	first asked to stop in this run (&mvgpu_preempt_req.at_ns), how
 *	long it waited for a CPU (a software engine's thread while the CPU ran
 *	other tasks; 0 for hardware).  The core leaves it out of the
 *	preemption latency, as a step's time leaves it out.
 */
struct mvgpu_stop {
	enum mvgpu_stop_reason reason;
	u64 ran_ns;
	u32 head;
	bool busy;
	struct mvgpu_fault fault;
	struct mvgpu_host_request host;
	u64 cpu_wait_ns;
};

/**
 * struct mvgpu_engine_stats - what a backend counts per engine
 * @steps: command steps run (preemption points passed)
 * @step_hist: their durations (mvgpu_hist_bucket())
 * @step_max_ns: the longest
 * @tlb_hits: translations its translation cache answered
 * @tlb_misses: translations that walked the page table
 */
struct mvgpu_engine_stats {
	u64 steps;
	u32 step_hist[MVGPU_HIST_BUCKETS];
	u64 step_max_ns;
	u64 tlb_hits;
	u64 tlb_misses;
};

/**
 * struct mvgpu_core_ops - the core's entry points for a backend
 * @ctx_stopped: a run ended; once per run.  ``gpu`` is what the core
 *	passed to &mvgpu_backend_ops.gpu_create, ``ctx`` the core context
 *	given to &mvgpu_backend_ops.ctx_create.  Any context (an interrupt
 *	handler's too), and it may come before the &mvgpu_backend_ops.run
 *	it ends has returned; takes the core's scheduler spinlock and may
 *	decide the engine's next run, which the submit worker issues: it
 *	calls no backend op itself.
 * @ctx_progress: commands completed while running: ``head`` the ring
 *	offset of the next command, ``cmds_done`` the commands completed
 *	since the context's reset (the backend's count, which its image
 *	carries), for the vGPU's registers (RING_HEAD, CMDS_DONE, SEQNO).
 *	Only during a run of the context, before the ctx_stopped that ends
 *	it: it shows the ring busy.  The backend need not call it for each
 *	command - it may batch them - but ctx_stopped carries the head and
 *	not the count, so it calls it for the last commands a run completed
 *	before ctx_stopped.  Any context.
 * @ctx_interrupt: raise the vGPU's interrupt causes (MVGPU_INT_*), e.g. a
 *	FENCE that asks for one (report the FENCE done with ctx_progress
 *	first, so that a handler that reads SEQNO sees it, as the software
 *	GPU does).  Any context.
 * @ctx_lost: an &mvgpu_backend_ops.engine_reset of ``engine`` lost the
 *	state of ``ctx``, a context resident on it that it did not run (a
 *	command half done): ``head`` is the ring offset of that command,
 *	``opcode`` its opcode.  The core stops the context with
 *	MVGPU_ERR_CONTEXT_LOST (ERROR_INFO the opcode, FAULT_ADDR the
 *	command's ring address) until its guest resets it, and no longer
 *	counts it resident (no &mvgpu_backend_ops.ctx_evict follows).  Only
 *	from inside &mvgpu_backend_ops.engine_reset, before it returns, and
 *	only for a context resident on that engine (else a warning, and
 *	nothing); the context the engine runs is reported with ctx_stopped
 *	instead.  A context the core had decided to run, whose run the
 *	worker has not issued yet, gets no &mvgpu_backend_ops.run: the
 *	worker reports it stopped itself, through ctx_stopped, as
 *	MVGPU_STOP_FAULT with ``ran_ns`` 0.  Takes the core's scheduler
 *	spinlock.
 */
struct mvgpu_core_ops {
	void (*ctx_stopped)(void *gpu, unsigned int engine,
			    struct mvgpu_ctx *ctx, const struct mvgpu_stop *stop);
	void (*ctx_progress)(struct mvgpu_ctx *ctx, u32 head, u64 cmds_done);
	void (*ctx_interrupt)(struct mvgpu_ctx *ctx, u32 causes);
	void (*ctx_lost)(void *gpu, unsigned int engine, struct mvgpu_ctx *ctx,
			 u32 head, u32 opcode);
};

#endif /* _MVGPU_BACKEND_CORE_H_ */
