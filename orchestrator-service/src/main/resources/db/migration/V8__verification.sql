-- The last check an agent ran on the team's work in the sandbox (docs/agents.md, "The verify loop"), as JSON:
-- command, exit code, passed, timed out, the end of its output.
ALTER TABLE subtask ADD COLUMN verification_json text;
