package io.caudal.group;

/**
 * One line of the group list.
 * @param group the group id
 * @param state its state
 * @param members how many members it has
 */
public record GroupSummary(String group, GroupState state, int members) {
}
