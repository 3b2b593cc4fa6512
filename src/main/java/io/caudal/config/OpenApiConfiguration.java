package io.caudal.config;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.servers.Server;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The title and description shown at the top of Swagger UI. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI caudalOpenApi() {
		return new OpenAPI().info(new Info().title("Caudal")
			.version("0.1")
			.description("A Kafka-style event log over HTTP and WebSocket. Topics are split into ordered, "
					+ "immutable, file-backed partitions; keyed records land where Kafka's partitioner puts them; "
					+ "consumers read by offset, from the beginning, from the latest, or from a point in time. "
					+ "Errors are RFC 9457 problem details with a machine-readable `code`.")
			.license(new License().name("Apache-2.0").identifier("Apache-2.0")))
			// Relative, so that Swagger UI calls the server that serves it; a client is given its server's URL.
			.addServersItem(new Server().url("/").description("The server that serves this document"));
	}

}
