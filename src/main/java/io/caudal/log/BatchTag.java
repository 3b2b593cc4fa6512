package io.caudal.log;

/**
 * What a batch carries in the header fields Kafka gives an idempotent producer (producer id, producer epoch, base
 * sequence), for the layers above to recognise their own batches again after a restart. The log stores and returns
 * these fields and gives them no meaning; a batch without a tag has producer id -1, as Kafka writes it.
 *
 * @param id 0 or more (Kafka's producer id)
 * @param epoch 0 or more (Kafka's producer epoch)
 * @param sequence 0 or more (Kafka's base sequence)
 */
public record BatchTag(long id, short epoch, int sequence) {

	public BatchTag {
		if (id < 0 || epoch < 0 || sequence < 0) {
			throw new IllegalArgumentException(
					"A batch tag is three non-negative numbers; got " + id + ", " + epoch + ", " + sequence + ".");
		}
	}

}
