package io.caudal.ws;

import io.caudal.error.CaudalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CreditTest {

	private final Credit credit = new Credit();

	@Test
	void grantsAddUpAndSpendingTakesAway() {
		this.credit.grant(3);
		this.credit.grant(4);
		this.credit.spend(5);
		assertThat(this.credit.available()).isEqualTo(2);
	}

	@Test
	void outstandingCreditStopsAtTheCap() {
		this.credit.grant(9_000);
		this.credit.grant(9_000);
		assertThat(this.credit.available()).isEqualTo(Credit.MAX_OUTSTANDING);
		this.credit.spend(1_000);
		this.credit.grant(Long.MAX_VALUE);
		assertThat(this.credit.available()).isEqualTo(Credit.MAX_OUTSTANDING);
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, -1, Long.MIN_VALUE })
	void aGrantBelowOneIsAnInvalidRequest(long records) {
		assertThatThrownBy(() -> this.credit.grant(records)).isInstanceOf(CaudalException.class)
			.hasMessageContaining(String.valueOf(records));
		assertThat(this.credit.available()).isZero();
	}

	@Test
	void spendingMoreThanGrantedIsABug() {
		this.credit.grant(1);
		assertThatThrownBy(() -> this.credit.spend(2)).isInstanceOf(IllegalStateException.class);
	}

}
