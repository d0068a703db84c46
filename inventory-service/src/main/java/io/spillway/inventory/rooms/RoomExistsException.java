package io.spillway.inventory.rooms;

import io.spillway.contract.admission.RoomId;
import io.spillway.contract.problems.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A room with this id exists already: 409, as for a sale. */
class RoomExistsException extends ErrorResponseException {

    RoomExistsException(RoomId roomId) {
        super(HttpStatus.CONFLICT,
                Problems.of(HttpStatus.CONFLICT, "room-exists", "Room exists", "Room " + roomId + " exists already."), null);
    }
}
