-- Projection: the register of municipal HR service industrial parks (京人社市场发〔2021〕35号):
-- a park enters it with its title (第九条3) and leaves it when the title is revoked (第十二条).
CREATE TABLE hr_parks (
    case_no             text PRIMARY KEY,
    park_name           text NOT NULL,
    district            text NOT NULL,
    operator_uscc       text NOT NULL,
    operator_name       text NOT NULL,
    designated_on       date NOT NULL,
    next_evaluation_due date,
    last_result         text,
    commendations       integer NOT NULL DEFAULT 0
);
