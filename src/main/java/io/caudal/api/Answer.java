package io.caudal.api;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.caudal.budget.Held;

/**
 * What a controller returns when its result may come later: the result as a future, and how long the request's
 * thread may wait for it. {@link AnswerReturnValueHandler} writes the answer on that thread when the result is
 * there in time (most produces, whose fsync takes a millisecond; fetches with records already stored), and only
 * otherwise answers asynchronously, holding no thread. Writing at once saves the servlet container's second
 * dispatch of the request, which costs about a third of a small request's time.
 *
 * @param <T> the answer's body
 * @param future the result
 * @param maxWait how long the request's thread may block for it before the answer goes asynchronous
 */
record Answer<T>(CompletableFuture<T> future, Duration maxWait) {

	Answer {
		Objects.requireNonNull(future, "future");
		Objects.requireNonNull(maxWait, "maxWait");
	}

	/**
	 * An answer written at once if the result is already there, else asynchronously.
	 * @param body turns the result into the answer's body
	 */
	static <S, T> Answer<T> of(CompletableFuture<S> result, Function<? super S, T> body) {
		return waitingUpTo(result, body, Duration.ZERO);
	}

	/**
	 * An answer whose request thread may wait up to {@code maxWait} for the result before going asynchronous.
	 * Cancelling the answer cancels {@code result}, so work the client no longer waits for is let go.
	 * @param body turns the result into the answer's body
	 */
	static <S, T> Answer<T> waitingUpTo(CompletableFuture<S> result, Function<? super S, T> body, Duration maxWait) {
		CompletableFuture<T> answer = result.thenApply(body);
		answer.whenComplete((value, failure) -> {
			if (failure instanceof CancellationException) {
				result.cancel(false);
			}
		});
		// A result that comes after the client went away is never written: the memory it holds goes back now.
		result.whenComplete((value, failure) -> {
			if (answer.isCancelled() && value instanceof Held<?> held) {
				held.release();
			}
		});
		return new Answer<>(answer, maxWait);
	}

}
