package io.caudal.api;

import io.caudal.security.NeedsNoRights;
import io.swagger.v3.oas.annotations.Hidden;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Serves the console at {@code /} to every client, whatever it accepts, so that a request there is never answered
 * by Spring Boot's welcome-page mappings, whose refusals (406, 405) carry no problem details.
 */
@Hidden
@Controller
class ConsolePageController {

	@GetMapping("/")
	@NeedsNoRights("the page itself holds no data; it calls the API with the caller's identity")
	String console() {
		return "forward:/index.html";
	}

}
