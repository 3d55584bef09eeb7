package dev.cohort.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a cost figure comes from: the provider's own report, Cohort's price table, or nowhere. */
public enum CostSource {
    PROVIDER, PRICE_TABLE, UNKNOWN;

    @JsonValue
    public String id() {
        return LowerCaseEnum.id(this);
    }

    @JsonCreator
    public static CostSource fromId(String id) {
        return LowerCaseEnum.parse(CostSource.class, "cost source", id);
    }
}
