def test_home_lists_own_patients(client_for, owner, patient, stranger):
    response = client_for(owner).get("/")
    assert response.status_code == 200
    assert b"Leo" in response.content
    assert b"Stranger&#x27;s child" not in response.content
