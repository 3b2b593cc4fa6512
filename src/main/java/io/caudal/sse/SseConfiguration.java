package io.caudal.sse;

import io.caudal.config.CaudalProperties;
import io.caudal.time.Time;
import io.caudal.topic.FetchService;
import io.caudal.topic.RecordEncoder;
import io.caudal.topic.TopicService;
import io.micrometer.core.instrument.MeterRegistry;

import io.caudal.budget.MemoryBudgets;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the Server-Sent Events streams. */
@Configuration(proxyBeanMethods = false)
class SseConfiguration {

	@Bean(destroyMethod = "close")
	EventStreams eventStreams(TopicService topics, FetchService fetch, RecordEncoder encoder,
			CaudalProperties properties, Time time, MeterRegistry meters, MemoryBudgets budgets) {
		return new EventStreams(topics, fetch, encoder, properties.sse(), time, meters, budgets.sse());
	}

}
