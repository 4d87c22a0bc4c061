import { Injectable } from '@nestjs/common';
import { UnauthorizedError } from '../../common/errors/domain-error';
import { Principal } from '../../common/tenancy/request-context';
import { Practice } from '../practices/practice.entity';
import { PracticesRepository } from '../practices/practices.repository';
import { MeResponseDto, UserResponseDto } from '../users/dto/user.dto';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';

@Injectable()
export class MeService {
  constructor(
    private readonly users: UsersRepository,
    private readonly practices: PracticesRepository,
  ) {}

  async get(principal: Principal): Promise<MeResponseDto> {
    const [user, practice] = await Promise.all([
      this.users.findInPractice(principal.practiceId, principal.userId),
      this.practices.findById(principal.practiceId),
    ]);
    if (!user || !practice) throw new UnauthorizedError();
    return this.toDto(user, practice, principal.totpEnrolmentOnly);
  }

  toDto(user: User, practice: Practice, totpEnrolmentRequired: boolean): MeResponseDto {
    return {
      ...UserResponseDto.from(user),
      practice: { id: practice.id, name: practice.name, timezone: practice.timezone },
      totpEnrolmentRequired,
    };
  }
}
