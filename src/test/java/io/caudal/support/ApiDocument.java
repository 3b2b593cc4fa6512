package io.caudal.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import tools.jackson.databind.JsonNode;

/**
 * Checks every answer the tests receive against the committed API document, {@code caudal-openapi.json}, so that the
 * suite keeps the document honest: an answer whose status, media type, required headers or body the document does
 * not describe fails the test that received it. Requests are not checked, since tests send bad ones on purpose; nor
 * are answers to paths or methods the document does not describe (actuator, the document itself, unknown paths), nor
 * event streams. Bodies are checked with networknt's JSON Schema validator in its OpenAPI 3.1 dialect.
 */
public final class ApiDocument {

	/** The committed document, from which the clients are generated. */
	public static final Path DOCUMENT = Path.of("caudal-openapi.json").toAbsolutePath();

	/** Where the schema validator finds the document: given to it, never fetched. */
	private static final String DOCUMENT_IRI = "https://caudal.io/caudal-openapi.json";

	private static final Pattern PATH_VARIABLE = Pattern.compile("\\{[^/}]+}");

	private static volatile Document document;

	private ApiDocument() {
	}

	/** @throws AssertionError naming what the document does not allow, with the answer */
	public static void checkAnswer(String method, String path, int status, Map<String, List<String>> headers, String body) {
		List<String> problems = document().problems(method.toLowerCase(Locale.ROOT), path, status, headers, body);
		if (!problems.isEmpty()) {
			throw new AssertionError("The answer to " + method + " " + path + " does not match " + DOCUMENT + ": "
					+ problems + "\n  answer: " + status + " " + headers.get("content-type") + " " + body);
		}
	}

	/** Every operation of the document, each as its JSON object. */
	public static List<JsonNode> operations() {
		JsonNode paths = document().root.get("paths");
		List<JsonNode> operations = new ArrayList<>();
		for (String path : paths.propertyNames()) {
			paths.get(path).forEach(operations::add);
		}
		return operations;
	}

	/** Every example in the document that its own schema refuses, with why. */
	public static List<String> exampleProblems() {
		return document().exampleProblems();
	}

	private static Document document() {
		Document loaded = document;
		if (loaded == null) {
			loaded = new Document(readDocument());
			document = loaded;
		}
		return loaded;
	}

	private static String readDocument() {
		try {
			return java.nio.file.Files.readString(DOCUMENT);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** The document's paths as patterns, and the body schemas compiled once each. */
	private static final class Document {

		private final JsonNode root;

		private final Map<Pattern, String> templates = new java.util.LinkedHashMap<>();

		private final SchemaRegistry registry;

		private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

		Document(String text) {
			this.root = TestHttp.parse(text);
			this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(),
					builder -> builder.schemas(Map.of(DOCUMENT_IRI, text)));
			for (String template : root.get("paths").propertyNames()) {
				StringBuilder regex = new StringBuilder();
				Matcher variable = PATH_VARIABLE.matcher(template);
				int literalStart = 0;
				while (variable.find()) {
					regex.append(Pattern.quote(template.substring(literalStart, variable.start()))).append("[^/]+");
					literalStart = variable.end();
				}
				regex.append(Pattern.quote(template.substring(literalStart)));
				this.templates.put(Pattern.compile(regex.toString()), template);
			}
		}

		List<String> problems(String method, String path, int status, Map<String, List<String>> headers, String body) {
			String template = this.templates.entrySet()
				.stream()
				.filter(entry -> entry.getKey().matcher(path).matches())
				.map(Map.Entry::getValue)
				.findFirst()
				.orElse(null);
			String contentType = first(headers, "content-type");
			if (template == null || !this.root.get("paths").get(template).has(method)
					|| contentType.startsWith("text/event-stream")) {
				return List.of();
			}
			JsonNode responses = this.root.get("paths").get(template).get(method).get("responses");
			String declared = responses.has(Integer.toString(status)) ? Integer.toString(status) : "default";
			JsonNode response = responses.get(declared);
			if (response == null) {
				return List.of("status " + status + " is not declared");
			}
			List<String> problems = new ArrayList<>();
			for (String header : response.path("headers").propertyNames()) {
				if (response.get("headers").get(header).path("required").asBoolean()
						&& first(headers, header.toLowerCase(Locale.ROOT)).isEmpty()) {
					problems.add("header " + header + " is missing");
				}
			}
			JsonNode content = response.get("content");
			if (content == null) {
				if (!body.isEmpty()) {
					problems.add("a body where none is declared");
				}
				return problems;
			}
			String mediaType = contentType.split(";")[0].trim();
			if (!content.has(mediaType)) {
				problems.add("media type '" + mediaType + "' where " + content.propertyNames() + " is declared");
				return problems;
			}
			String pointer = "#/paths/" + escape(template) + "/" + method + "/responses/" + declared + "/content/"
					+ escape(mediaType) + "/schema";
			problems.addAll(validate(pointer, TestHttp.parse(body), "answer"));
			return problems;
		}

		List<String> exampleProblems() {
			List<String> problems = new ArrayList<>();
			JsonNode schemas = this.root.get("components").get("schemas");
			for (String name : schemas.propertyNames()) {
				JsonNode example = schemas.get(name).get("example");
				if (example != null) {
					problems.addAll(validate("#/components/schemas/" + escape(name), example, "schema " + name));
				}
			}
			for (String template : this.root.get("paths").propertyNames()) {
				JsonNode operations = this.root.get("paths").get(template);
				for (String method : operations.propertyNames()) {
					JsonNode parameters = operations.get(method).path("parameters");
					for (int i = 0; i < parameters.size(); i++) {
						JsonNode example = parameters.get(i).get("example");
						if (example != null) {
							problems.addAll(validate("#/paths/" + escape(template) + "/" + method + "/parameters/" + i
									+ "/schema", example, method + " " + template + " " + parameters.get(i).get("name")));
						}
					}
				}
			}
			return problems;
		}

		private List<String> validate(String pointer, JsonNode instance, String what) {
			Schema schema = this.schemas.computeIfAbsent(pointer,
					key -> this.registry.getSchema(SchemaLocation.of(DOCUMENT_IRI + key)));
			return schema.validate(instance.toString(), InputFormat.JSON).stream()
				.map(error -> "the example of " + what + ": " + error)
				.toList();
		}

		private static String first(Map<String, List<String>> headers, String name) {
			List<String> values = headers.get(name);
			return (values == null || values.isEmpty()) ? "" : values.get(0);
		}

		/** A JSON pointer token (RFC 6901), as the document's keys need in a schema location. */
		private static String escape(String token) {
			return token.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
		}

	}

}
