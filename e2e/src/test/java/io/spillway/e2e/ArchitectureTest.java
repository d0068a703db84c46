package io.spillway.e2e;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.metaAnnotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole application's structure in one place, as Spring Modulith's modularity tests do it: every
 * service's domain is plain Java, and no service reaches into another.
 *
 * <p>A domain package holds the rules of a feature (reservation, queue position and ETA, a stream to
 * one buyer, rate limits, the sale's rules). Its classes may use the JDK, the contract and small
 * libraries (Bucket4j, Caffeine), never Spring, Kafka, JDBC, JPA or a web stack, so they are unit-tested
 * in milliseconds. A feature package may keep its Spring wiring beside its domain ({@code @Configuration},
 * {@code @ConfigurationProperties}): those classes are the only ones there allowed to know Spring.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.spillway");

    /**
     * Each service's domain: a package (its classes, not its sub-packages) or, where a feature keeps its
     * state machine beside its adapters, named classes (with their nested ones). The first class named
     * must exist, so a rename cannot leave a rule that checks nothing.
     */
    private record Domain(String service, String pkg, List<String> classes) {

        @Override
        public String toString() {
            return service + " (" + pkg + (classes.isEmpty() ? "" : ": " + String.join(", ", classes)) + ")";
        }

        String witness() {
            return pkg + "." + (classes.isEmpty() ? WITNESSES.get(pkg) : classes.get(0));
        }

        DescribedPredicate<JavaClass> members() {
            if (classes.isEmpty()) {
                return JavaClass.Predicates.resideInAPackage(pkg);
            }
            return DescribedPredicate.describe(pkg + "." + classes, type -> type.getPackageName().equals(pkg)
                    && classes.contains(type.getName().substring(pkg.length() + 1).split("\\$")[0]));
        }
    }

    private static final Map<String, String> WITNESSES = Map.of(
            "io.spillway.contract.rules", "SaleRule",
            "io.spillway.ingest.ratelimit", "RateLimits",
            "io.spillway.processor.reservation", "SaleLedger",
            "io.spillway.notifier.queue", "QueueModel",
            "io.spillway.inventory.sales.rules", "NewSaleRules");

    static List<Domain> domains() {
        return List.of(
                new Domain("contract", "io.spillway.contract.rules", List.of()),
                new Domain("ingest-api", "io.spillway.ingest.ratelimit", List.of()),
                new Domain("ingest-api", "io.spillway.ingest.catalog", List.of("SaleBook", "DoorVerdict")),
                new Domain("ingest-api", "io.spillway.ingest.rooms", List.of("RoomBook", "RoomVerdict")),
                new Domain("order-processor", "io.spillway.processor.reservation", List.of()),
                new Domain("notifier", "io.spillway.notifier.queue", List.of()),
                new Domain("notifier", "io.spillway.notifier.orders", List.of("OrderStream", "EventStream", "EventIds")),
                new Domain("notifier", "io.spillway.notifier.entries",
                        List.of("EntryStatus", "EntryState", "AdmissionsView", "EntryAudit", "EntryEta", "EntryEtaAudit")),
                new Domain("inventory-service", "io.spillway.inventory.sales.rules", List.of()),
                new Domain("inventory-service", "io.spillway.inventory.rooms", List.of("RoomRules", "NewRoom", "RateChange")));
    }

    private static final String[] FRAMEWORKS = {
        "org.springframework..",
        "org.apache.kafka..",
        "java.sql..",
        "javax.sql..",
        "jakarta.persistence..",
        "jakarta.servlet..",
        "reactor..",
        "io.netty..",
        "org.postgresql..",
        "io.micrometer..",
    };

    @ParameterizedTest(name = "{0}")
    @MethodSource("domains")
    void aDomainIsPlainJava(Domain domain) {
        assertThat(CLASSES.stream().map(JavaClass::getName)).as("classes seen").contains(domain.witness());

        noClasses()
                .that(domain.members())
                .and(not(metaAnnotatedWith("org.springframework.context.annotation.Configuration")))
                .and(not(annotatedWith("org.springframework.boot.context.properties.ConfigurationProperties")))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .because("the rules of " + domain.service() + " are unit-tested without a framework, broker or database")
                .check(CLASSES);
    }

    @Test
    void noServiceReachesIntoAnother() {
        List<String> services = List.of("ingest", "processor", "inventory", "notifier");
        for (String service : services) {
            String[] others = services.stream()
                    .filter(other -> !other.equals(service))
                    .map(other -> "io.spillway." + other + "..")
                    .toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage("io.spillway." + service + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others)
                    .because("each service is a deployable of its own; they meet only through the contract")
                    .check(CLASSES);
        }
        assertThat(services).allMatch(service -> CLASSES.containPackage("io.spillway." + service));
    }
}
