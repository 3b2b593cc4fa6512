package io.caudal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CaudalApplication {

	public static void main(String[] args) {
		SpringApplication.run(CaudalApplication.class, args);
	}

}
