package io.spillway.inventory.admin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler method that only an admin reaches ({@link AdminSecurity} guards every
 * {@code /api/**} path but the public views, in a filter that runs before the request body is read,
 * so an unauthenticated caller learns nothing from validation errors). Its successful answers are
 * written to the audit log by {@code audit.AuditedAnswers}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AdminOnly {}
