package dev.cohort.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.model.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanSchemaTest {

    @Test
    void theSchemaIsJsonAndOffersEveryWorkingRole() throws Exception {
        JsonNode schema = EventCodec.mapper().readTree(PlanSchema.JSON);
        JsonNode roles = schema.at("/properties/subtasks/items/properties/role/enum");
        List<String> names = new ArrayList<>();
        roles.forEach(r -> names.add(r.asText()));
        // The lead plans, merges and summarises; a plan gives work to the other roles.
        assertEquals(Role.values().length - 1, names.size());
        for (Role role : Role.values()) {
            assertEquals(role != Role.LEAD, names.contains(role.id()), role.id());
        }
    }
}
