package io.caudal.api;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Puts into the API document what annotations cannot say once for all operations: every error answer is
 * {@code application/problem+json} of the one {@code Problem} schema (and any status not listed is too, as the
 * {@code default} answer); a 201 names the new resource in {@code Location}; a 429 says when to retry in
 * {@code Retry-After}; and every field of an answer's body is required, since answers always write every field (null
 * where a field is nullable), unless the schema lists its required fields itself.
 */
@Component
class ApiDocumentCustomizer implements OpenApiCustomizer {

	private static final String PROBLEM = "Problem";

	private static final String BEARER = "bearer";

	private static final String SESSION = "session";

	private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;

	private static final String SCHEMA_REF_PREFIX = "#/components/schemas/";

	/** Topic names and group ids: 1 to 249 of a-z A-Z 0-9 . _ -, but not . or .. */
	static final String NAME_PATTERN = "^(?!\\.{1,2}$)[a-zA-Z0-9._-]{1,249}$";

	/** What each path variable is, said once for every operation that has it. */
	private static final Map<String, Schema<?>> PATH_VARIABLES = Map.of(
			"topic", new JsonSchema().types(types("string")).pattern(NAME_PATTERN).description("The topic's name"),
			"partition", new JsonSchema().types(types("integer")).format("int32").minimum(BigDecimal.ZERO)
				.description("The partition's number, from 0"),
			// No pattern: groups stored under ids the rule now refuses stay describable and deletable.
			"group", new JsonSchema().types(types("string")).description("The group's id; joining or resetting "
					+ "needs 1-249 of a-z A-Z 0-9 . _ -, not . or .."),
			"member", new JsonSchema().types(types("string")).description("The member id its join answered"),
			"name", new JsonSchema().types(types("string")).pattern(NAME_PATTERN)
				.description("A key principal's name, without its key: type"),
			"id", new JsonSchema().types(types("string")).description("The key's id, as created or listed"),
			"principal", new JsonSchema().types(types("string"))
				.description("A typed principal (key:billing, jwt:ana@example.com, cert:payments) or default"));

	/** The values of record header maps, which Java's map types cannot say. */
	private static final Map<String, Schema<?>> MAP_VALUES = Map.of("headers",
			new JsonSchema().types(types("string", "null")), "headerBytes",
			new JsonSchema().types(types("string")).format("byte"));

	@Override
	public void customise(OpenAPI document) {
		addProblemSchema(document);
		addSecuritySchemes(document);
		Set<String> answerSchemas = new HashSet<>();
		Set<String> requestSchemas = new HashSet<>();
		document.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
			describePathVariables(operation);
			describeAnswers(operation);
			operation.getResponses().forEach((status, response) -> {
				if (status.startsWith("2") && response.getContent() != null) {
					response.getContent().values().forEach(media -> collectRefs(media.getSchema(), answerSchemas));
				}
			});
			if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
				operation.getRequestBody().getContent().values()
					.forEach(media -> collectRefs(media.getSchema(), requestSchemas));
			}
		}));
		Map<String, Schema> schemas = document.getComponents().getSchemas();
		schemas.values().forEach(ApiDocumentCustomizer::describeMapValues);
		Set<String> reachableAnswers = reachable(answerSchemas, schemas);
		reachableAnswers.removeAll(reachable(requestSchemas, schemas));
		for (String name : reachableAnswers) {
			Schema<?> schema = schemas.get(name);
			if (schema.getProperties() != null && schema.getRequired() == null) {
				schema.setRequired(new ArrayList<>(schema.getProperties().keySet()));
			}
		}
	}

	/**
	 * Either scheme identifies a caller when {@code caudal.security.enabled} is on; with it off (the default) they
	 * are ignored and every caller is trusted.
	 */
	private static void addSecuritySchemes(OpenAPI document) {
		document.getComponents()
			.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
				.scheme("bearer")
				.description("An API key (cdl_ and 43 base64url characters, from POST /principals/{name}/keys) or "
						+ "a JWT from the configured issuer"))
			.addSecuritySchemes(SESSION, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
				.in(SecurityScheme.In.COOKIE)
				.name("CAUDAL_SESSION")
				.description("The browser session cookie set by POST /session; writes made with it also send the "
						+ "XSRF-TOKEN cookie's value as the X-XSRF-TOKEN header"));
		document.addSecurityItem(new SecurityRequirement().addList(BEARER));
		document.addSecurityItem(new SecurityRequirement().addList(SESSION));
	}

	private static void addProblemSchema(OpenAPI document) {
		ModelConverters converters = ModelConverters.getInstance(document.getSpecVersion() == SpecVersion.V31);
		ResolvedSchema problem = converters.resolveAsResolvedSchema(new AnnotatedType(ApiProblem.class));
		problem.referencedSchemas.forEach(document.getComponents()::addSchemas);
	}

	private static void describeMapValues(Schema<?> schema) {
		if (schema.getProperties() == null) {
			return;
		}
		schema.getProperties().forEach((name, property) -> {
			Schema<?> values = MAP_VALUES.get(name);
			if (values != null && property.getAdditionalProperties() != null) {
				property.setAdditionalProperties(values);
			}
		});
	}

	private static void describePathVariables(Operation operation) {
		if (operation.getParameters() == null) {
			return;
		}
		for (Parameter parameter : operation.getParameters()) {
			Schema<?> variable = PATH_VARIABLES.get(parameter.getName());
			if ("path".equals(parameter.getIn()) && variable != null) {
				parameter.description(variable.getDescription())
					.schema(new JsonSchema().types(variable.getTypes())
						.format(variable.getFormat())
						.pattern(variable.getPattern())
						.minimum(variable.getMinimum()));
			}
		}
	}

	private static void describeAnswers(Operation operation) {
		ApiResponses responses = operation.getResponses();
		responses.forEach((status, response) -> {
			if (status.startsWith("4") || status.startsWith("5")) {
				response.setContent(problemContent());
			}
			if (status.equals("201")) {
				response.addHeaderObject(HttpHeaders.LOCATION, new Header().required(true)
					.description("The path of the new resource")
					.schema(new JsonSchema().types(types("string")).format("uri-reference")));
			}
			if (status.equals("429")) {
				response.addHeaderObject(HttpHeaders.RETRY_AFTER, new Header()
					.description("Seconds to wait before a retry")
					.schema(new JsonSchema().types(types("integer")).minimum(BigDecimal.ZERO)));
			}
		});
		if (!responses.containsKey("401")) {
			responses.addApiResponse("401", new ApiResponse()
				.description("UNAUTHENTICATED (security on): no identity, or one that does not check out")
				.addHeaderObject(HttpHeaders.WWW_AUTHENTICATE, new Header().required(true)
					.description("Bearer, with the token's error when one was sent")
					.schema(new JsonSchema().types(types("string"))))
				.content(problemContent()));
		}
		if (!responses.containsKey("403")) {
			responses.addApiResponse("403", new ApiResponse()
				.description("NOT_AUTHORIZED (security on): the caller's ACLs do not allow this; the detail names the "
						+ "operation and the resource")
				.content(problemContent()));
		}
		responses.addApiResponse("default",
				new ApiResponse().description("Any other error, as problem details: a method or media type the "
						+ "operation does not take (405, 406, 415), a server fault (500) or a storage failure (503)")
					.content(problemContent()));
	}

	/** JSON types in the order given: the document must be the same from one start to the next. */
	private static Set<String> types(String... names) {
		return new LinkedHashSet<>(List.of(names));
	}

	private static Content problemContent() {
		return new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
				new MediaType().schema(new JsonSchema().$ref(PROBLEM_REF)));
	}

	/** The names of the schemas a schema refers to, directly or through its items and properties. */
	private static void collectRefs(Schema<?> schema, Set<String> names) {
		if (schema == null) {
			return;
		}
		if (schema.get$ref() != null && schema.get$ref().startsWith(SCHEMA_REF_PREFIX)) {
			names.add(schema.get$ref().substring(SCHEMA_REF_PREFIX.length()));
		}
		collectRefs(schema.getItems(), names);
		if (schema.getAdditionalProperties() instanceof Schema<?> values) {
			collectRefs(values, names);
		}
		if (schema.getProperties() != null) {
			schema.getProperties().values().forEach(property -> collectRefs(property, names));
		}
	}

	/** The schemas reachable from some, through the references of their properties. */
	private static Set<String> reachable(Set<String> roots, Map<String, Schema> schemas) {
		Set<String> seen = new HashSet<>();
		Deque<String> next = new ArrayDeque<>(roots);
		while (!next.isEmpty()) {
			String name = next.pop();
			Schema<?> schema = schemas.get(name);
			if (schema == null || !seen.add(name)) {
				continue;
			}
			Set<String> refs = new HashSet<>();
			collectRefs(schema, refs);
			next.addAll(refs);
		}
		return seen;
	}

}
