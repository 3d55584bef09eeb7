package dev.cohort.contracts.model;

import dev.cohort.contracts.Required;

/** A sender or recipient of a message. {@code id} is a person's name, an agent id, or a role id; the team has none. */
public record Participant(ParticipantType type, String id) {

    public static final Participant TEAM = new Participant(ParticipantType.TEAM, "all");

    public Participant {
        Required.field(type, "type");
        Required.field(id, "id");
    }

    public static Participant role(Role role) {
        return new Participant(ParticipantType.ROLE, role.id());
    }

    public static Participant agent(String agentId) {
        return new Participant(ParticipantType.AGENT, agentId);
    }

    public static Participant person(String name) {
        return new Participant(ParticipantType.PERSON, name);
    }
}
