package io.caudal.config;

import org.apache.tomcat.util.buf.EncodedSolidusHandling;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Web settings: cross-origin rules for the REST API (only the configured origins beyond the same
 * origin), and encoded slashes passed through to the application, so that a path such as
 * {@code /topics/a%2Fb} gets the same problem answer as any other unknown topic instead of the
 * servlet container's HTML error page.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

	private final CaudalProperties properties;

	WebConfiguration(CaudalProperties properties) {
		this.properties = properties;
	}

	@Bean
	TomcatConnectorCustomizer encodedSlashesReachTheApplication() {
		return connector -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
	}

	@Override
	public void addCorsMappings(CorsRegistry registry) {
		if (!this.properties.cors().allowedOrigins().isEmpty()) {
			registry.addMapping("/**")
				.allowedOrigins(this.properties.cors().allowedOrigins().toArray(String[]::new))
				.allowedMethods("GET", "POST", "PATCH", "DELETE")
				.exposedHeaders("Location");
		}
	}

}
