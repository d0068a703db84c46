package io.spillway.processor.reservation;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

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
        // The rule is only as good as what it sees: both ledgers must be among the checked classes.
        assertThat(classes.contain(ItemLedger.class)).isTrue();
        assertThat(classes.contain(SaleLedger.class)).isTrue();

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
