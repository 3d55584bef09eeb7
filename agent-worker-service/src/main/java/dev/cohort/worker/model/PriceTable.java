package dev.cohort.worker.model;

import dev.cohort.contracts.model.CostSource;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Objects;

/**
 * Prices per million tokens, for the cost of calls whose provider reports none. A model the table does not
 * list costs nothing when it runs locally (Ollama) and is unknown otherwise.
 */
public final class PriceTable {

    /** USD per million input and output tokens. */
    public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
        public Price {
            Objects.requireNonNull(inputPerMillion, "inputPerMillion");
            Objects.requireNonNull(outputPerMillion, "outputPerMillion");
        }
    }

    public static final PriceTable EMPTY = new PriceTable(Map.of());

    private final Map<String, Price> prices;

    public PriceTable(Map<String, Price> prices) {
        this.prices = Map.copyOf(prices);
    }

    public Price price(String model) {
        return prices.get(model);
    }

    /** The usage of a call: the provider's cost when it reported one, else the table's, else unknown. */
    public Usage usage(ModelRef model, long promptTokens, long completionTokens, BigDecimal providerCost) {
        if (providerCost != null) {
            return new Usage(promptTokens, completionTokens, providerCost, CostSource.PROVIDER);
        }
        Price price = prices.get(model.model());
        if (price != null) {
            BigDecimal cost = price.inputPerMillion().multiply(BigDecimal.valueOf(promptTokens))
                    .add(price.outputPerMillion().multiply(BigDecimal.valueOf(completionTokens)))
                    .divide(BigDecimal.valueOf(1_000_000), 10, RoundingMode.HALF_UP).stripTrailingZeros();
            return new Usage(promptTokens, completionTokens, cost, CostSource.PRICE_TABLE);
        }
        if (model.provider().local()) {
            return new Usage(promptTokens, completionTokens, BigDecimal.ZERO, CostSource.PRICE_TABLE);
        }
        return new Usage(promptTokens, completionTokens, null, CostSource.UNKNOWN);
    }
}
