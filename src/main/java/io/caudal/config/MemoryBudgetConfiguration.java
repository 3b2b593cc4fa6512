package io.caudal.config;

import io.caudal.budget.ByteBudget;
import io.caudal.budget.MemoryBudgets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** The server-wide memory budgets, sized by their settings or an eighth of the heap each, and their gauges. */
@Configuration(proxyBeanMethods = false)
class MemoryBudgetConfiguration {

	@Bean
	MemoryBudgets memoryBudgets(CaudalProperties properties, MeterRegistry meters) {
		MemoryBudgets budgets = new MemoryBudgets(
				budget("caudal.produce.max-buffered-bytes", properties.produce().maxBufferedBytes(), meters),
				budget("caudal.fetch.max-buffered-bytes", properties.fetch().maxBufferedBytes(), meters),
				budget("caudal.websocket.max-buffered-bytes", properties.websocket().maxBufferedBytes(), meters),
				budget("caudal.sse.max-buffered-bytes", properties.sse().maxBufferedBytes(), meters));
		return budgets;
	}

	private static ByteBudget budget(String setting, DataSize configured, MeterRegistry meters) {
		long bytes = (configured != null) ? configured.toBytes() : MemoryBudgets.defaultBytes();
		ByteBudget budget = new ByteBudget(setting, bytes);
		String purpose = setting.substring("caudal.".length(), setting.indexOf('.', "caudal.".length()));
		Gauge.builder("caudal.memory.reserved", budget, ByteBudget::reservedBytes)
			.description("Bytes held in memory for clients, by purpose; at most the purpose's max-buffered-bytes")
			.baseUnit("bytes")
			.tag("purpose", purpose)
			.register(meters);
		Gauge.builder("caudal.memory.max", budget, ByteBudget::maxBytes)
			.description("The most bytes each purpose may hold in memory for clients")
			.baseUnit("bytes")
			.tag("purpose", purpose)
			.register(meters);
		return budget;
	}

}
