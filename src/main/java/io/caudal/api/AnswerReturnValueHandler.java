package io.caudal.api;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.caudal.security.LiveConnections;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.DeferredResultMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestResponseBodyMethodProcessor;

/**
 * Writes an {@link Answer}: at once, on the request's thread, when its result is there within the answer's wait;
 * otherwise asynchronously, as a {@link DeferredResult}, so that a long poll holds no thread. A failed result is
 * rethrown for the problem advice to answer. When an asynchronous answer ends without its result (the client went
 * away, the request timed out) the future is cancelled, so whatever it waits on (a long poll's slot and signals) is
 * let go at once; a client that closes its connection while its answer waits is noticed by {@link ClientDepartures}.
 * The body is written by the handler adapter's own {@code @ResponseBody} processor, with the same converters and
 * advice as any other answer.
 */
final class AnswerReturnValueHandler implements HandlerMethodReturnValueHandler {

	private final Supplier<RequestMappingHandlerAdapter> adapter;

	private final ClientDepartures departures;

	private final DeferredResultMethodReturnValueHandler deferred = new DeferredResultMethodReturnValueHandler();

	private volatile HandlerMethodReturnValueHandler body;

	private final ObjectProvider<LiveConnections> live;

	/**
	 * @param adapter the handler adapter, looked up at the first answer (it is built after this handler)
	 * @param departures gives up an asynchronous answer whose client closes its connection while it waits
	 * @param live ends an asynchronous answer with 401 when the key that asked for it is revoked
	 */
	AnswerReturnValueHandler(Supplier<RequestMappingHandlerAdapter> adapter, ClientDepartures departures,
			ObjectProvider<LiveConnections> live) {
		this.adapter = adapter;
		this.departures = departures;
		this.live = live;
	}

	@Override
	public boolean supportsReturnType(MethodParameter returnType) {
		return Answer.class.isAssignableFrom(returnType.getParameterType());
	}

	@Override
	public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest) throws Exception {
		Answer<?> answer = (Answer<?>) returnValue;
		CompletableFuture<?> future = answer.future();
		if (!future.isDone() && !answer.maxWait().isZero()) {
			try {
				future.get(answer.maxWait().toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException | ExecutionException | CancellationException ex) {
				// Timed out: answered asynchronously below; failed: rethrown below.
			}
		}
		if (future.isDone()) {
			Object value = resultOf(future);
			try {
				body().handleReturnValue(value, returnType.nested(), mavContainer, webRequest);
			}
			finally {
				release(value);
			}
			return;
		}
		DeferredResult<Object> result = new DeferredResult<>();
		ClientDepartures.Watch departure = this.departures
			.watch(webRequest.getNativeRequest(HttpServletRequest.class), () -> {
				result.setErrorResult(new AsyncRequestNotUsableException("The client closed its connection."));
				future.cancel(false);
			});
		future.whenComplete((value, failure) -> {
			departure.end();
			if (failure == null) {
				if (!result.setResult(value)) {
					release(value);
				}
			}
			else {
				result.setErrorResult(cause(failure));
			}
		});
		result.onCompletion(() -> {
			departure.end();
			future.cancel(false);
			release(result.getResult());
		});
		result.onError(failure -> {
			departure.end();
			future.cancel(false);
		});
		result.onTimeout(() -> {
			departure.end();
			future.cancel(false);
		});
		this.live.ifAvailable(connections -> connections.watch(SecurityContextHolder.getContext().getAuthentication(),
				List.of(), () -> !future.isDone(), failure -> {
					result.setErrorResult(failure);
					future.cancel(false);
				}));
		this.deferred.handleReturnValue(result, returnType, mavContainer, webRequest);
		departure.start();
	}

	private HandlerMethodReturnValueHandler body() {
		HandlerMethodReturnValueHandler processor = this.body;
		if (processor == null) {
			processor = this.adapter.get()
				.getReturnValueHandlers()
				.stream()
				.filter(RequestResponseBodyMethodProcessor.class::isInstance)
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("Spring MVC has no @ResponseBody processor."));
			this.body = processor;
		}
		return processor;
	}

	/** Gives back the memory of an answer's records, whether or not it was written. */
	private static void release(Object value) {
		if (value instanceof RecordAnswer answer) {
			answer.release();
		}
	}

	private static Object resultOf(CompletableFuture<?> future) throws Exception {
		try {
			return future.join();
		}
		catch (CompletionException | CancellationException ex) {
			Throwable cause = cause(ex);
			if (cause instanceof Exception exception) {
				throw exception;
			}
			throw (Error) cause;
		}
	}

	private static Throwable cause(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
