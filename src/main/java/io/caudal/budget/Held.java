package io.caudal.budget;

/**
 * A value holding memory counted in a {@link ByteBudget}, until whoever is done with it {@linkplain #release()
 * releases} it.
 *
 * @param <T> the value
 * @param value what holds the bytes
 * @param memory the bytes it holds
 */
public record Held<T>(T value, Reservation memory) {

	public void release() {
		this.memory.release();
	}

}
