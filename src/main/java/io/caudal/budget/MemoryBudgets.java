package io.caudal.budget;

/**
 * The server's memory allowances for what clients make it hold: produce bodies being read and stored, fetch and
 * poll answers being written, frames queued for WebSocket clients, events queued for Server-Sent Events clients.
 * Each client has its own limits besides; these make all of them together fit the heap.
 *
 * @param produce produce bodies, counted twice (read, then built into a batch)
 * @param fetch record bytes of fetch and poll answers
 * @param websocket frames waiting to be written to sockets
 * @param sse events waiting to be written to streams
 */
public record MemoryBudgets(ByteBudget produce, ByteBudget fetch, ByteBudget websocket, ByteBudget sse) {

	/** The default share of the heap for each budget: an eighth, so that all four take at most half. */
	public static long defaultBytes() {
		return Runtime.getRuntime().maxMemory() / 8;
	}

}
