package io.spillway.inventory.admin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler method that answers only to {@code Authorization: Bearer <admin token>}. The
 * check runs before the request body is read, so an unauthenticated caller learns nothing from
 * validation errors.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AdminOnly {}
