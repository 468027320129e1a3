package io.contrail.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares one contrail.cfg key on the record component that holds its value: the key's name is
 * the component's name in snake_case ({@code loopIntervalMs} is {@code loop_interval_ms}), the
 * section is the enclosing section record. The default file, unknown-key detection, environment
 * overrides, validation and the typed records are all built from these declarations, and values
 * are bound to components by name, so no key can end up in the wrong field.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
@interface Key {
  /** The default as written in contrail.cfg; {@code ${home}} stands for CONTRAIL_HOME. */
  String value();

  /** One line for the default file. */
  String comment();

  /** How the text becomes a value; {@link Parser#BY_TYPE} picks it from the component's type. */
  Parser parser() default Parser.BY_TYPE;

  /** The allowed values of a {@link Parser#ONE_OF} key (compared lower-case). */
  String[] oneOf() default {};
}
