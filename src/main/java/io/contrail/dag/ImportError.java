package io.contrail.dag;

/** Why a DAG file could not be loaded: file, 1-based line (0 when unknown) and reason. */
public record ImportError(String file, int line, String message) {}
