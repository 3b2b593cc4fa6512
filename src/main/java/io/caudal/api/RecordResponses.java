package io.caudal.api;

import java.util.List;

import io.caudal.topic.RecordPosition;
import io.swagger.v3.oas.annotations.media.Schema;

/** The bodies of produce and offset-lookup answers. */
final class RecordResponses {

	private RecordResponses() {
	}

	@Schema(example = """
			{"offsets":[{"partition":1,"offset":17,"timestamp":1764000000123},\
			{"partition":0,"offset":4,"timestamp":1764000000000}]}""")
	record Produced(List<RecordPosition> offsets) {
	}

	@Schema(example = """
			{"offset":42}""")
	record Offset(long offset) {
	}

}
