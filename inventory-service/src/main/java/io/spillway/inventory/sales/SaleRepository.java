package io.spillway.inventory.sales;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface SaleRepository extends JpaRepository<Sale, String> {

    /** The sale and all its items in one SQL statement: a cache miss costs the database one query. */
    @Query("select s from Sale s left join fetch s.items where s.saleId = :saleId")
    Optional<Sale> findWithItems(String saleId);
}
