package dev.sinew.console.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlertBookTest {

    static Alert alert(String kind, long at) {
        return new Alert(kind + ":gateway/catalog", "page", kind, "catalog", "127.0.0.1:8082", "gateway", kind, "why", null, at);
    }

    @Test
    void aSilentServiceFiresOnTheSecondRoundAndKeepsItsStart() {
        AlertBook book = new AlertBook();
        assertThat(book.update(List.of(alert("service_down", 1000))).fired()).isEmpty();
        AlertBook.Changes c = book.update(List.of(alert("service_down", 2000)));
        assertThat(c.fired()).singleElement().satisfies(a -> assertThat(a.sinceMillis()).isEqualTo(1000));
        assertThat(book.update(List.of(alert("service_down", 3000))).fired()).as("fires once").isEmpty();
        assertThat(book.open()).singleElement().satisfies(a -> assertThat(a.sinceMillis()).isEqualTo(1000));
        assertThat(book.update(List.of()).resolved()).hasSize(1);
        assertThat(book.open()).isEmpty();
    }

    @Test
    void oneGoodScrapeBetweenBadOnesDoesNotPage() {
        AlertBook book = new AlertBook();
        book.update(List.of(alert("service_down", 1000)));
        book.update(List.of());
        assertThat(book.update(List.of(alert("service_down", 3000))).fired()).isEmpty();
    }

    @Test
    void anErrorRateNeedsThreeRoundsToFireAndThreeAbsentToResolve() {
        AlertBook book = new AlertBook();
        book.update(List.of(alert("error_rate", 1)));
        book.update(List.of(alert("error_rate", 2)));
        assertThat(book.update(List.of(alert("error_rate", 3))).fired()).hasSize(1);
        assertThat(book.update(List.of()).resolved()).isEmpty();
        assertThat(book.update(List.of()).resolved()).isEmpty();
        assertThat(book.open()).hasSize(1);
        assertThat(book.update(List.of(alert("error_rate", 6))).fired()).as("back before it cleared: no second page").isEmpty();
        book.update(List.of());
        book.update(List.of());
        assertThat(book.update(List.of()).resolved()).hasSize(1);
        assertThat(book.open()).isEmpty();
    }

    @Test
    void aBreakerAlertFiresAtOnceAndResolvesAtOnce() {
        AlertBook book = new AlertBook();
        assertThat(book.update(List.of(alert("breaker_open", 1))).fired()).hasSize(1);
        assertThat(book.update(List.of()).resolved()).hasSize(1);
    }
}
