package io.spillway.processor.reservation;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The reservation rules stay plain Java: no framework, broker or database types. */
class ReservationArchitectureTest {

    @Test
    void reservationRulesDependOnNoFrameworkBrokerOrDatabase() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.spillway.processor");

        noClasses()
                .that()
                .resideInAPackage("io.spillway.processor.reservation..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "org.apache.kafka..",
                        "java.sql..",
                        "javax.sql..",
                        "jakarta.persistence..",
                        "io.spillway.processor",
                        "io.spillway.processor.intake..",
                        "io.spillway.processor.store..",
                        "io.spillway.processor.publish..",
                        "io.spillway.processor.operations..")
                .check(classes);
    }
}
