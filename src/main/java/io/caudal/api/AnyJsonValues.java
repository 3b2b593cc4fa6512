package io.caudal.api;

import java.lang.reflect.Type;
import java.util.Iterator;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.Schema;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Describes a record value, a {@link JsonNode} in the document's types, as the empty schema {@code {}}: any JSON
 * value. The default would describe Jackson's node class as a bean, which no client can fill.
 */
@Component
class AnyJsonValues implements ModelConverter {

	@Override
	public Schema<?> resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
		if (isJsonNode(type.getType())) {
			return new JsonSchema();
		}
		return chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
	}

	private static boolean isJsonNode(Type type) {
		if (type instanceof Class<?> raw) {
			return JsonNode.class.isAssignableFrom(raw);
		}
		return type instanceof com.fasterxml.jackson.databind.JavaType javaType
				&& JsonNode.class.isAssignableFrom(javaType.getRawClass());
	}

}
