package io.caudal.api;

import java.util.ArrayList;
import java.util.List;

import io.caudal.security.LiveConnections;

import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.stereotype.Component;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Lets controllers return an {@link Answer}, through Spring Boot's hook for the handler adapter, and tells the API
 * document to describe the answer's body rather than the wrapper, and the bodies written straight from stored bytes
 * by their documented shapes.
 */
@Component
class AnswerConfiguration implements WebMvcRegistrations, DisposableBean {

	private final ClientDepartures departures = new ClientDepartures();

	private final ObjectProvider<LiveConnections> live;

	/** @param live ends long polls whose key is revoked; absent where no security is configured (MVC test slices) */
	AnswerConfiguration(ObjectProvider<LiveConnections> live) {
		this.live = live;
	}

	static {
		SpringDocUtils.getConfig()
			.addResponseWrapperToIgnore(Answer.class)
			.replaceWithClass(FetchAnswer.class, RecordResponses.Fetched.class)
			.replaceWithClass(PollAnswer.class, GroupResponses.Polled.class);
	}

	@Override
	public void destroy() {
		this.departures.stop();
	}

	@Override
	public RequestMappingHandlerAdapter getRequestMappingHandlerAdapter() {
		return new AnswersFirst(this.departures, this.live);
	}

	/**
	 * Puts the {@link AnswerReturnValueHandler} first: the {@code @ResponseBody} processor takes any return value of a
	 * {@code @RestController}, so a handler after it would never see an {@link Answer}.
	 */
	private static final class AnswersFirst extends RequestMappingHandlerAdapter {

		private final ClientDepartures departures;

		private final ObjectProvider<LiveConnections> live;

		AnswersFirst(ClientDepartures departures, ObjectProvider<LiveConnections> live) {
			this.departures = departures;
			this.live = live;
		}

		@Override
		public void afterPropertiesSet() {
			super.afterPropertiesSet();
			List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>();
			handlers.add(new AnswerReturnValueHandler(() -> this, this.departures, this.live));
			handlers.addAll(getReturnValueHandlers());
			setReturnValueHandlers(handlers);
		}

	}

}
