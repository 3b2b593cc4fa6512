package io.caudal.support;

import io.caudal.topic.RecordEncoder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The record encoder that web slices need to write record answers, with meters of its own. */
@TestConfiguration(proxyBeanMethods = false)
public class RecordEncoderConfiguration {

	@Bean
	RecordEncoder recordEncoder() {
		return new RecordEncoder(new SimpleMeterRegistry());
	}

}
